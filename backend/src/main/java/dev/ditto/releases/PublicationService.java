package dev.ditto.releases;

import dev.ditto.audit.AuditLog;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs publications in the background, one thread per running publication (at most two at once), persisting
 * progress and resumable state so a failed or interrupted publication can be resumed where it stopped. A running
 * publication holds a PostgreSQL advisory lock on its own connection: when the server dies the lock goes with it,
 * and the next server to start resumes every queued or running publication whose lock is free.
 */
@Service
public class PublicationService {
    private static final Logger log = LoggerFactory.getLogger(PublicationService.class);
    private static final Pattern HUB_REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}");

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ReleaseCatalog catalog;
    private final ReleaseBuilder builder;
    private final AuditLog audit;
    private final Map<ReleasePublisher.Target, ReleasePublisher> publishers = new EnumMap<>(ReleasePublisher.Target.class);
    private final ExecutorService executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("publish-", 1).daemon().factory());
    private final Map<Long, RunClock> running = new ConcurrentHashMap<>();

    PublicationService(DataSource dataSource, JdbcClient jdbc, ObjectMapper json, Clock clock, ReleaseCatalog catalog,
                       ReleaseBuilder builder, AuditLog audit, List<ReleasePublisher> publishers) {
        this.dataSource = dataSource;
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
                insert into publications (release_id, target, destination, state, created_by, created_at)
                values (:r, :t, :d, 'QUEUED', (select id from users where lower(username) = lower(:u)), :at) returning id""")
                .param("r", releaseId).param("t", target.name()).param("d", dest).param("u", currentUser())
                .param("at", Timestamp.from(clock.instant())).query(Long.class).single();
        audit.record("release.publish", "publication", id, null, Map.of("release", releaseId, "target", target.name(),
                "destination", dest));
        executor.submit(() -> run(id));
        return get(id);
    }

    /** Resumes a failed or cancelled publication from its saved state. */
    public Publication resume(long publicationId) {
        Publication p = get(publicationId);
        if (p.state() != Publication.State.FAILED && p.state() != Publication.State.CANCELLED) {
            throw new ReleaseException(ReleaseException.Reason.CONFLICT, "publication " + publicationId + " is "
                    + p.state() + "; only a failed or cancelled publication can be resumed");
        }
        jdbc.sql("update publications set state = 'QUEUED', error = null where id = :id").param("id", publicationId).update();
        audit.record("release.publish.resume", "publication", publicationId, p.state().name(), "QUEUED");
        executor.submit(() -> run(publicationId));
        return get(publicationId);
    }

    /**
     * Resumes the publications a stopped server left queued or running (their state is saved as they go, so they
     * continue where they stopped); runs once the application is ready. Publications another live server is running
     * keep their lock and are left alone.
     */
    @EventListener(ApplicationReadyEvent.class)
    public List<Long> resumeInterrupted() {
        List<Long> interrupted = jdbc.sql("select id from publications where state in ('QUEUED', 'RUNNING') order by id")
                .query(Long.class).list();
        for (long id : interrupted) {
            log.info("Resuming publication {}, left unfinished by a stopped server", id);
            executor.submit(() -> run(id));
        }
        return interrupted;
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

    /** Runs a publication unless another thread or server holds it (its advisory lock). */
    private void run(long id) {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "pg_try_advisory_lock", id)) {
                log.info("Publication {} is being run by another server; leaving it to that one", id);
                return;
            }
            try {
                runLocked(id);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock", id);
            }
        } catch (SQLException e) {
            log.error("Publication {} could not take its lock in PostgreSQL; resume it once the database is back", id, e);
        }
    }

    /** Namespace {@code hashtext(schema + '.publications')}: ids of other schemas sharing the database never clash. */
    private static boolean advisoryLock(Connection connection, String function, long id) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "select " + function + "(hashtext(current_schema() || '.publications'), ?)")) {
            st.setInt(1, Math.toIntExact(id));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void runLocked(long id) {
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
            jdbc.sql("update publications set state = 'RUNNING', started_at = coalesce(started_at, :at) where id = :id")
                    .param("at", Timestamp.from(clock.instant())).param("id", id).update();
            Path dir = builder.directoryOf(release.name(), release.version());
            DbTracker tracker = new DbTracker(id);
            try {
                ReleaseFiles files = builder.filesOf(release.name(), release.version());
                ReleasePublisher.Outcome outcome = publisher.publish(new ReleasePublisher.Job(id, release, dir,
                        ReleaseManifest.read(files, json), p.destination(), tracker, files));
                tracker.flush();
                jdbc.sql("""
                        update publications set state = 'DONE', commit_id = :c, commit_url = :u, finished_at = :at, error = null
                        where id = :id""")
                        .param("c", outcome.commitId()).param("u", outcome.commitUrl())
                        .param("at", Timestamp.from(clock.instant())).param("id", id).update();
                jdbc.sql("update releases set state = 'PUBLISHED' where id = :id and state = 'BUILT'")
                        .param("id", release.id()).update();
                log.info("Publication {} of release {} {} to {} done{}", id, release.name(), release.version(),
                        p.destination(), outcome.commitId() == null ? "" : " at commit " + outcome.commitId());
            } catch (Exception e) {
                tracker.flush();
                String message = publisher.redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                jdbc.sql("update publications set state = 'FAILED', error = :e, finished_at = :at where id = :id")
                        .param("e", message).param("at", Timestamp.from(clock.instant())).param("id", id).update();
                log.warn("Publication {} of release {} {} to {} failed: {}", id, release.name(), release.version(),
                        p.destination(), message);
            }
        } catch (RuntimeException e) {
            log.error("Publication {} could not start", id, e);
            jdbc.sql("update publications set state = 'FAILED', error = :e where id = :id")
                    .param("e", "could not start: " + e.getMessage()).param("id", id).update();
        } finally {
            running.remove(id);
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
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
            jdbc.sql("""
                    update publications set progress = cast(:p as jsonb), files_done = files_done + :f,
                           bytes_done = bytes_done + :b where id = :id""")
                    .param("p", json.writeValueAsString(state)).param("f", filesDelta).param("b", bytesDelta)
                    .param("id", id).update();
            filesDelta = 0;
            bytesDelta = 0;
            lastFlush = System.nanoTime();
        }

        @Override
        public synchronized void totals(int files, long bytes) {
            jdbc.sql("update publications set files_total = :f, bytes_total = :b, files_done = 0, bytes_done = 0 where id = :id")
                    .param("f", files).param("b", bytes).param("id", id).update();
            filesDelta = 0;
            bytesDelta = 0;
        }

        @Override
        public synchronized void advance(int files, long bytes) {
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
            jdbc.sql("update publications set files_done = files_done + :f, bytes_done = bytes_done + :b where id = :id")
                    .param("f", filesDelta).param("b", bytesDelta).param("id", id).update();
            filesDelta = 0;
            bytesDelta = 0;
            lastFlush = System.nanoTime();
        }
    }
}
