package dev.ditto.releases;

import dev.ditto.audit.AuditLog;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs publications in the background, one thread per running publication (at most two at once), persisting
 * progress and resumable state so a failed or interrupted publication can be resumed where it stopped. A server
 * runs a publication while it holds the publication's lease ({@code lease_owner}, {@code lease_until}, compared with
 * PostgreSQL's {@code now()}), renewed every third of {@code ditto.releases.publication-lease-seconds}; every write
 * of progress, state and outcome is made only while this server still holds it. When a server dies its leases run
 * out, and the next server that polls ({@code ditto.releases.publication-poll-ms}) takes the publication over and
 * resumes it from its saved state; a server that finds its lease taken stops publishing.
 */
@Service
public class PublicationService {
    private static final Logger log = LoggerFactory.getLogger(PublicationService.class);
    private static final Pattern HUB_REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ReleaseCatalog catalog;
    private final ReleaseBuilder builder;
    private final AuditLog audit;
    private final Map<ReleasePublisher.Target, ReleasePublisher> publishers = new EnumMap<>(ReleasePublisher.Target.class);
    private static final int THREADS = 2;
    private final ExecutorService executor = Executors.newFixedThreadPool(THREADS, Thread.ofPlatform().name("publish-", 1).daemon().factory());
    private final ScheduledExecutorService heartbeats;
    private final Map<Long, RunClock> running = new ConcurrentHashMap<>();
    /** Publications handed to the executor and not finished there: never handed twice. */
    private final Set<Long> submitted = ConcurrentHashMap.newKeySet();
    /** Publications whose lease this server found taken by another one: their thread stops at its next write. */
    private final Set<Long> lost = ConcurrentHashMap.newKeySet();
    private final Lease lease;
    private volatile boolean stopping;

    /** Who holds a publication's lease and for how long each heartbeat extends it. */
    record Lease(String owner, int seconds) {}

    @Autowired
    PublicationService(JdbcClient jdbc, ObjectMapper json, Clock clock, ReleaseCatalog catalog,
                       ReleaseBuilder builder, AuditLog audit, List<ReleasePublisher> publishers,
                       @Value("${ditto.releases.publication-lease-seconds:60}") int leaseSeconds) {
        this(jdbc, json, clock, catalog, builder, audit, publishers, new Lease("publish-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID(), leaseSeconds));
    }

    PublicationService(JdbcClient jdbc, ObjectMapper json, Clock clock, ReleaseCatalog catalog,
                       ReleaseBuilder builder, AuditLog audit, List<ReleasePublisher> publishers, Lease lease) {
        if (lease.seconds() < 3) {
            throw new IllegalArgumentException("ditto.releases.publication-lease-seconds must be at least 3, was "
                    + lease.seconds());
        }
        this.lease = lease;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("publish-lease").daemon().factory());
        long every = Math.max(1000, lease.seconds() * 1000L / 3);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.catalog = catalog;
        this.builder = builder;
        this.audit = audit;
        publishers.forEach(p -> this.publishers.put(p.target(), p));
    }

    /** Starts publishing a built release to {@code destination} ({@code org/name} on the Hub, or a folder path). */
    public Publication publish(long releaseId, ReleasePublisher.Target target, String destination) {
        Release release = catalog.get(releaseId);
        if (!release.publishable()) {
            throw new ReleaseException(ReleaseException.Reason.CONFLICT, "release " + release.name() + " "
                    + release.version() + " is " + release.state() + "; only a built release can be published");
        }
        String dest = destination == null ? "" : destination.strip();
        if (target == ReleasePublisher.Target.HUB && !HUB_REPO.matcher(dest).matches()) {
            throw new ReleaseException(ReleaseException.Reason.INVALID,
                    "Hub destination '" + dest + "' must be a repository id like org/name");
        }
        if (target == ReleasePublisher.Target.FOLDER && dest.isEmpty()) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "a folder destination needs a path");
        }
        if (!publishers.containsKey(target)) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "no publisher for target " + target);
        }
        publishers.get(target).checkDestination(dest);
        Optional<Long> busy = jdbc.sql("""
                select id from publications where release_id = :r and destination = :d and state in ('QUEUED', 'RUNNING')""")
                .param("r", releaseId).param("d", dest).query(Long.class).optional();
        if (busy.isPresent()) {
            throw new ReleaseException(ReleaseException.Reason.CONFLICT, "release " + releaseId + " is already being published to "
                    + dest + " by publication " + busy.get() + "; follow it at GET /api/publications/" + busy.get());
        }
        long id = jdbc.sql("""
                insert into publications (release_id, target, destination, state, created_by, created_at, lease_owner,
                                          lease_until)
                values (:r, :t, :d, 'QUEUED', (select id from users where lower(username) = lower(:u)), :at, :me,
                        now() + make_interval(secs => :lease)) returning id""")
                .param("r", releaseId).param("t", target.name()).param("d", dest).param("u", currentUser())
                .param("at", Timestamp.from(clock.instant())).param("me", lease.owner()).param("lease", lease.seconds())
                .query(Long.class).single();
        audit.record("release.publish", "publication", id, null, Map.of("release", releaseId, "target", target.name(),
                "destination", dest));
        submit(id);
        return get(id);
    }

    /** Resumes a failed or cancelled publication from its saved state. */
    public Publication resume(long publicationId) {
        Publication p = get(publicationId);
        if (p.state() != Publication.State.FAILED && p.state() != Publication.State.CANCELLED) {
            throw new ReleaseException(ReleaseException.Reason.CONFLICT, "publication " + publicationId + " is "
                    + p.state() + "; only a failed or cancelled publication can be resumed");
        }
        jdbc.sql("""
                update publications set state = 'QUEUED', error = null, lease_owner = :me,
                       lease_until = now() + make_interval(secs => :lease) where id = :id""")
                .param("me", lease.owner()).param("lease", lease.seconds()).param("id", publicationId).update();
        audit.record("release.publish.resume", "publication", publicationId, p.state().name(), "QUEUED");
        submit(publicationId);
        return get(publicationId);
    }

    /**
     * Resumes the publications a stopped server left queued or running (their state is saved as they go, so they
     * continue where they stopped): those whose lease ran out, or that never had one. Runs once the application is
     * ready and then every {@code ditto.releases.publication-poll-ms}; publications another live server holds are
     * left to it. Returns the publications handed to this server's publishing threads.
     */
    @EventListener(ApplicationReadyEvent.class)
    public List<Long> resumeInterrupted() {
        List<Long> taken = new ArrayList<>();
        int free = THREADS - submitted.size();
        if (stopping || free <= 0) {
            return taken;
        }
        List<Long> orphaned = jdbc.sql("""
                select id from publications
                 where state in ('QUEUED', 'RUNNING') and (lease_owner is null or lease_until < now())
                 order by id limit :n""")
                .param("n", THREADS * 2).query(Long.class).list();
        for (long id : orphaned) {
            if (taken.size() < free && !submitted.contains(id)) {
                log.info("Resuming publication {}, left unfinished by a stopped server", id);
                submit(id);
                taken.add(id);
            }
        }
        return taken;
    }

    @Scheduled(fixedDelayString = "${ditto.releases.publication-poll-ms:5000}",
            initialDelayString = "${ditto.releases.publication-poll-ms:5000}")
    void poll() {
        try {
            resumeInterrupted();
        } catch (RuntimeException e) {
            log.warn("Publications: could not look for unfinished publications ({}); trying again at the next poll",
                    e.getMessage());
        }
    }

    private void submit(long id) {
        if (submitted.add(id)) {
            try {
                executor.submit(() -> {
                    try {
                        run(id);
                    } finally {
                        submitted.remove(id);
                    }
                });
            } catch (RuntimeException e) {
                submitted.remove(id);
                throw e;
            }
        }
    }

    /** Renews the lease of every publication this server runs; one found taken is marked lost, so its thread stops. */
    private void heartbeat() {
        for (long id : running.keySet()) {
            try {
                int renewed = jdbc.sql("""
                        update publications set lease_until = now() + make_interval(secs => :lease)
                         where id = :id and lease_owner = :me and state in ('QUEUED', 'RUNNING')""")
                        .param("lease", lease.seconds()).param("id", id).param("me", lease.owner()).update();
                if (renewed == 0 && lost.add(id)) {
                    log.warn("Publication {}: another server took it over (this server's lease ran out); stopping here", id);
                }
            } catch (RuntimeException e) {
                log.warn("Publication {}: could not renew its lease ({}); trying again", id, e.getMessage());
            }
        }
    }

    public Publication get(long publicationId) {
        return jdbc.sql("select " + COLUMNS + " from publications where id = :id").param("id", publicationId)
                .query(this::map).optional()
                .orElseThrow(() -> new ReleaseException(ReleaseException.Reason.NOT_FOUND,
                        "publication " + publicationId + " does not exist"));
    }

    public List<Publication> ofRelease(long releaseId) {
        return jdbc.sql("select " + COLUMNS + " from publications where release_id = :r order by id desc")
                .param("r", releaseId).query(this::map).list();
    }

    /**
     * Runs a publication if this server holds its lease or can take it (the lease ran out, or nobody held it); the
     * claim is one conditional update, so of two servers polling at once only one gets it.
     */
    private void run(long id) {
        try {
            boolean mine = jdbc.sql("""
                    update publications set lease_owner = :me, lease_until = now() + make_interval(secs => :lease)
                     where id = :id and state in ('QUEUED', 'RUNNING')
                       and (lease_owner is null or lease_owner = :me or lease_until < now())""")
                    .param("me", lease.owner()).param("lease", lease.seconds()).param("id", id).update() == 1;
            if (!mine) {
                log.info("Publication {} is being run by another server; leaving it to that one", id);
                return;
            }
        } catch (RuntimeException e) {
            log.error("Publication {} could not take its lease in PostgreSQL; it is resumed once the database is back", id, e);
            return;
        }
        lost.remove(id);
        runLeased(id);
    }

    private void runLeased(long id) {
        Publication current = get(id);
        if (current.finished()) {
            return; // finished meanwhile (a resume raced a start)
        }
        RunClock runClock = new RunClock(System.nanoTime(), current.bytesDone());
        running.put(id, runClock);
        try {
            Publication p = get(id);
            Release release = catalog.get(p.releaseId());
            ReleasePublisher publisher = publishers.get(p.target());
            leased("update publications set state = 'RUNNING', started_at = coalesce(started_at, :at)", id,
                    Map.of("at", Timestamp.from(clock.instant())));
            Path dir = builder.directoryOf(release.name(), release.version());
            DbTracker tracker = new DbTracker(id);
            try {
                ReleaseFiles files = builder.filesOf(release.name(), release.version());
                ReleasePublisher.Outcome outcome = publisher.publish(new ReleasePublisher.Job(id, release, dir,
                        ReleaseManifest.read(files, json), p.destination(), tracker, files));
                tracker.flush();
                Map<String, Object> done = new HashMap<>();
                done.put("c", outcome.commitId());
                done.put("u", outcome.commitUrl());
                done.put("at", Timestamp.from(clock.instant()));
                leased("""
                        update publications set state = 'DONE', commit_id = :c, commit_url = :u, finished_at = :at,
                               error = null, lease_until = null""", id, done);
                jdbc.sql("update releases set state = 'PUBLISHED' where id = :id and state = 'BUILT'")
                        .param("id", release.id()).update();
                log.info("Publication {} of release {} {} to {} done{}", id, release.name(), release.version(),
                        p.destination(), outcome.commitId() == null ? "" : " at commit " + outcome.commitId());
            } catch (LeaseLost e) {
                throw e;
            } catch (Exception e) {
                if (stopping) {
                    throw new LeaseLost("the server is stopping");
                }
                tracker.flush();
                String message = publisher.redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                leased("update publications set state = 'FAILED', error = :e, finished_at = :at, lease_until = null", id,
                        Map.of("e", message, "at", Timestamp.from(clock.instant())));
                log.warn("Publication {} of release {} {} to {} failed: {}", id, release.name(), release.version(),
                        p.destination(), message);
            }
        } catch (LeaseLost e) {
            log.warn("Publication {} stopped on this server: {}; the server holding its lease finishes it", id, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Publication {} could not start", id, e);
            try {
                leased("update publications set state = 'FAILED', error = :e, lease_until = null", id,
                        Map.of("e", "could not start: " + e.getMessage()));
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
        } finally {
            running.remove(id);
            lost.remove(id);
        }
    }

    /**
     * Runs {@code update publications set ...} for this publication only while this server holds its lease; throws
     * {@link LeaseLost} when it does not (another server took the publication over), so nothing is written twice.
     */
    private void leased(String update, long id, Map<String, ?> params) {
        if (lost.contains(id)) {
            throw new LeaseLost("its lease was taken over by another server");
        }
        var spec = jdbc.sql(update + " where id = :id and lease_owner = :me").param("id", id).param("me", lease.owner());
        for (var e : params.entrySet()) {
            spec = spec.param(e.getKey(), e.getValue());
        }
        if (spec.update() == 0) {
            lost.add(id);
            throw new LeaseLost("its lease was taken over by another server");
        }
    }

    /** This server no longer holds the publication's lease. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message);
        }
    }

    /** What a killed server does to its leases, for tests: they are no longer renewed (and nothing is handed back). */
    void haltHeartbeats() {
        heartbeats.shutdownNow();
    }

    /** Stops publishing and hands the leases back, so another server (or this one, restarted) resumes at once. */
    @PreDestroy
    void stop() {
        stopping = true;
        heartbeats.shutdownNow();
        executor.shutdownNow();
        try {
            jdbc.sql("""
                    update publications set lease_until = now() - interval '1 second'
                     where lease_owner = :me and state in ('QUEUED', 'RUNNING')""")
                    .param("me", lease.owner()).update();
        } catch (RuntimeException e) {
            log.info("Publications: could not hand the leases back at shutdown ({}); they run out by themselves",
                    e.getMessage());
        }
    }

    private static String currentUser() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    private static final String COLUMNS = """
            id, release_id, target, destination, state, files_total, files_done, bytes_total, bytes_done, commit_id,
            commit_url, error, created_at, started_at, finished_at""";

    private Publication map(ResultSet rs, int row) throws SQLException {
        long id = rs.getLong(1);
        long bytesTotal = rs.getLong(8);
        long bytesDone = rs.getLong(9);
        Double rate = null;
        Long eta = null;
        RunClock run = running.get(id);
        if (run != null) {
            double seconds = (System.nanoTime() - run.startNanos()) / 1e9;
            long sent = bytesDone - run.bytesAtStart();
            if (seconds > 0.5 && sent > 0) {
                rate = sent / seconds;
                eta = (long) Math.ceil(Math.max(0, bytesTotal - bytesDone) / rate);
            }
        }
        return new Publication(id, rs.getLong(2), ReleasePublisher.Target.valueOf(rs.getString(3)), rs.getString(4),
                Publication.State.valueOf(rs.getString(5)), rs.getInt(6), rs.getInt(7), bytesTotal, bytesDone, rate, eta,
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getTimestamp(13).toInstant(),
                instant(rs.getTimestamp(14)), instant(rs.getTimestamp(15)));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private record RunClock(long startNanos, long bytesAtStart) {}

    /** Progress into {@code publications}: counters at most every 250 ms, state at once. */
    private final class DbTracker implements PublicationTracker {
        private final long id;
        private int filesDelta;
        private long bytesDelta;
        private long lastFlush = System.nanoTime();
        private long lastCheck = System.nanoTime();

        DbTracker(long id) {
            this.id = id;
        }

        @Override
        public synchronized <T> @Nullable T state(Class<T> type) {
            String text = jdbc.sql("select progress::text from publications where id = :id").param("id", id)
                    .query(String.class).single();
            return text == null || text.equals("{}") ? null : json.readValue(text, type);
        }

        @Override
        public synchronized void saveState(Object state) {
            leased("""
                    update publications set progress = cast(:p as jsonb), files_done = files_done + :f,
                           bytes_done = bytes_done + :b""", id,
                    Map.of("p", json.writeValueAsString(state), "f", filesDelta, "b", bytesDelta));
            filesDelta = 0;
            bytesDelta = 0;
            lastFlush = System.nanoTime();
        }

        @Override
        public synchronized void totals(int files, long bytes) {
            leased("update publications set files_total = :f, bytes_total = :b, files_done = 0, bytes_done = 0", id,
                    Map.of("f", files, "b", bytes));
            filesDelta = 0;
            bytesDelta = 0;
        }

        /** Checks the lease in PostgreSQL at most once a second (the heartbeat marks a lost lease in between). */
        @Override
        public synchronized void checkpoint() {
            if (lost.contains(id) || stopping) {
                throw new LeaseLost(stopping ? "the server is stopping" : "its lease was taken over by another server");
            }
            if (System.nanoTime() - lastCheck < Duration.ofSeconds(1).toNanos()) {
                return;
            }
            boolean mine = jdbc.sql("select lease_owner = :me from publications where id = :id")
                    .param("me", lease.owner()).param("id", id).query(Boolean.class).optional().orElse(false);
            lastCheck = System.nanoTime();
            if (!mine) {
                lost.add(id);
                throw new LeaseLost("its lease was taken over by another server");
            }
        }

        @Override
        public synchronized void advance(int files, long bytes) {
            if (lost.contains(id) || stopping) {
                throw new LeaseLost(stopping ? "the server is stopping" : "its lease was taken over by another server");
            }
            filesDelta += files;
            bytesDelta += bytes;
            if (System.nanoTime() - lastFlush > Duration.ofMillis(250).toNanos()) {
                flush();
            }
        }

        synchronized void flush() {
            if (filesDelta == 0 && bytesDelta == 0) {
                return;
            }
            leased("update publications set files_done = files_done + :f, bytes_done = bytes_done + :b", id,
                    Map.of("f", filesDelta, "b", bytesDelta));
            filesDelta = 0;
            bytesDelta = 0;
            lastFlush = System.nanoTime();
        }
    }
}
