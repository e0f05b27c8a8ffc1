package dev.ditto.releases;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/**
 * Builds a release end to end: records it, snapshots the selection, checks it, diffs it against the previous
 * version of the same name and writes its files under {@code <releases-root>/<name>/<version>/}. Plain Java (no
 * Spring), so the benchmark runs the same code.
 *
 * <p>A build holds its release's lease ({@code releases.lease_owner}/{@code lease_until}, PostgreSQL's clock) while it
 * runs; {@link #heartbeat()} renews it. A BUILDING release whose lease ran out (its server died) is claimed by
 * {@link #claimAbandoned()} and built again from the start by {@link #rebuild}; a build that finds its lease taken
 * stops at its next progress report and writes nothing more, so a release is built and recorded once.
 */
public final class ReleaseBuilder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final Path root;
    private final ReleaseSnapshot snapshot;
    private final ReleaseFilesWriter writer;
    private final ReleaseCatalog catalog;
    private final ReleaseQuality quality;

    private final ReleaseStorage storage;
    private volatile BuildLease lease = new BuildLease("build-" + UUID.randomUUID(), 60);
    /** Releases this builder is building now (their lease is renewed by {@link #heartbeat()}). */
    private final Set<Long> building = ConcurrentHashMap.newKeySet();
    /** Builds whose lease another server took: they stop at their next progress report. */
    private final Set<Long> lost = ConcurrentHashMap.newKeySet();

    /** Who holds a build's lease and for how long each heartbeat extends it. */
    public record BuildLease(String owner, int seconds) {}

    /** A release another server left BUILDING, now claimed by this one, and what its build was asked for. */
    public record Abandoned(Release release, ReleaseSelection selection, @Nullable String notes, boolean withSim2Real) {}

    /** A build that another server took over. */
    public static final class LeaseLost extends ReleaseException {
        LeaseLost(String message) {
            super(Reason.CONFLICT, message);
        }
    }

    public ReleaseBuilder(DataSource dataSource, BlobFiles blobs, ReleaseProperties properties, ObjectMapper json,
                          Clock clock, Path releasesRoot) {
        this(dataSource, blobs, properties, json, clock, releasesRoot, ReleaseStorage.local());
    }

    /** A builder whose releases end up in {@code storage} ({@code releasesRoot} is then their local staging). */
    public ReleaseBuilder(DataSource dataSource, BlobFiles blobs, ReleaseProperties properties, ObjectMapper json,
                          Clock clock, Path releasesRoot, ReleaseStorage storage) {
        this.storage = storage;
        this.jdbc = JdbcClient.create(dataSource);
        this.json = json;
        this.clock = clock;
        this.root = releasesRoot.toAbsolutePath().normalize();
        this.snapshot = new ReleaseSnapshot(dataSource, properties);
        this.writer = new ReleaseFilesWriter(dataSource, blobs, properties, json, storage);
        this.catalog = new ReleaseCatalog(dataSource, json);
        this.quality = new ReleaseQuality(dataSource);
    }

    /** Builds as {@code lease} from now on (its owner names this server in {@code releases.lease_owner}). */
    public ReleaseBuilder leasedAs(BuildLease lease) {
        if (lease.seconds() < 3) {
            throw new IllegalArgumentException("ditto.releases.build-lease-seconds must be at least 3, was " + lease.seconds());
        }
        this.lease = lease;
        return this;
    }

    public BuildLease lease() {
        return lease;
    }

    /** Renews the lease of every build running here; a build whose lease another server took is told to stop. */
    public void heartbeat() {
        for (long id : building) {
            int renewed = jdbc.sql("""
                    update releases set lease_until = now() + make_interval(secs => :lease)
                     where id = :id and state = 'BUILDING' and lease_owner = :me""")
                    .param("lease", lease.seconds()).param("id", id).param("me", lease.owner()).update();
            if (renewed == 0) {
                lost.add(id);
            }
        }
    }

    /**
     * Claims one release left BUILDING by a server that stopped renewing its lease (or by a server from before
     * leases), oldest first; {@code FOR UPDATE SKIP LOCKED} and the conditional update let one server only have it.
     */
    public Optional<Abandoned> claimAbandoned() {
        record Row(long id, String selection, String request) {}
        Optional<Row> row = jdbc.sql("""
                with next as (
                    select id from releases
                     where state = 'BUILDING' and (lease_owner is null or lease_until < now())
                     order by id limit 1 for update skip locked)
                update releases r set lease_owner = :me, lease_until = now() + make_interval(secs => :lease)
                  from next where r.id = next.id
                returning r.id, r.selection::text, r.build_request::text""")
                .param("me", lease.owner()).param("lease", lease.seconds())
                .query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3))).optional();
        return row.map(r -> {
            var request = json.readTree(r.request());
            String notes = request.path("notes").isString() ? request.path("notes").asString() : null;
            return new Abandoned(catalog.get(r.id()), json.readValue(r.selection(), ReleaseSelection.class), notes,
                    request.path("sim2real").asBoolean(false));
        });
    }

    /**
     * Builds a claimed release again from the start (rows and files its first server left are discarded first);
     * a failure is recorded on the release as a first build's would be.
     */
    public Release rebuild(Abandoned abandoned, Sim2Real sim2realRule, BiConsumer<String, Long> progress) {
        Release release = abandoned.release();
        synchronized (LOCKS.computeIfAbsent(release.name(), n -> new Object())) {
            discardRows(release.id());
            return completeLeased(release, abandoned.selection(), abandoned.notes(),
                    abandoned.withSim2Real() ? sim2realRule : null, progress);
        }
    }

    /** The folder a release's files live in (with S3, where it is staged while it is built). */
    public Path directoryOf(String name, String version) {
        return root.resolve(name).resolve(version);
    }

    /** The files of a built release, wherever they are stored. */
    public ReleaseFiles filesOf(String name, String version) {
        return storage.files(directoryOf(name, version));
    }

    /**
     * Builds a release, or throws {@link ReleaseException}: INVALID for a bad name, version, empty selection or
     * samples DiffSynth-Studio would misread (the release is then recorded as FAILED with the reason); CONFLICT when
     * the version exists or is not above the newest one.
     */
    public Release build(NewRelease request, @Nullable Long createdBy, BiConsumer<String, Long> progress) {
        return build(request, createdBy, Sim2Real.defaults(), progress);
    }

    /**
     * Builds a release as {@link #build(NewRelease, Long, BiConsumer)} does; when the request asks for the sim2real
     * subset, {@code sim2realRule} says which samples are reversed and with what instruction (INVALID when the
     * selection holds none of them).
     */
    public Release build(NewRelease request, @Nullable Long createdBy, Sim2Real sim2realRule,
                         BiConsumer<String, Long> progress) {
        String name = request.name() == null ? "" : request.name().strip();
        if (!NAME.matcher(name).matches()) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "release name '" + name
                    + "' must be 1-96 letters, digits, '.', '_' or '-' (it names the dataset and its files)");
        }
        SemanticVersion version;
        try {
            version = SemanticVersion.parse(request.version() == null ? "" : request.version());
        } catch (IllegalArgumentException e) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, e.getMessage());
        }
        ReleaseSelection selection = request.selection() == null ? ReleaseSelection.all() : request.selection();
        synchronized (LOCKS.computeIfAbsent(name, n -> new Object())) {
            long id = create(name, version, selection, createdBy, request.notes(), request.withSim2Real());
            return completeLeased(catalog.get(id), selection, request.notes(),
                    request.withSim2Real() ? sim2realRule : null, progress);
        }
    }

    /** Completes a release this server holds the lease of, recording a failure (unless another server took it). */
    private Release completeLeased(Release created, ReleaseSelection selection, @Nullable String notes,
                                   @Nullable Sim2Real sim2real, BiConsumer<String, Long> progress) {
        long id = created.id();
        building.add(id);
        lost.remove(id);
        BiConsumer<String, Long> leased = (stage, n) -> {
            if (lost.contains(id)) {
                throw new LeaseLost("release " + created.name() + " " + created.version() + " (id " + id
                        + ") is being built by another server, which took it over; this build stopped");
            }
            progress.accept(stage, n);
        };
        try {
            return complete(created, selection, notes, sim2real, leased);
        } catch (LeaseLost e) {
            throw e;
        } catch (Exception e) {
            fail(created, e);
            if (e instanceof ReleaseException re) {
                throw re;
            }
            throw new ReleaseException(ReleaseException.Reason.FAILED, "building release " + created.name() + " "
                    + created.version() + " (id " + id + ") failed: " + e.getMessage(), e);
        } finally {
            building.remove(id);
            lost.remove(id);
        }
    }

    private long create(String name, SemanticVersion version, ReleaseSelection selection, @Nullable Long createdBy,
                        @Nullable String notes, boolean withSim2Real) {
        record Existing(long id, SemanticVersion version, String state) {}
        List<Existing> existing = jdbc.sql("select id, version, state from releases where name = :n").param("n", name)
                .query((rs, i) -> new Existing(rs.getLong(1), SemanticVersion.parse(rs.getString(2)), rs.getString(3)))
                .list();
        for (Existing e : existing) {
            if (e.version().equals(version) && e.state().equals("FAILED")) {
                discardFailed(name, e.id(), version);
            } else if (e.version().compareTo(version) >= 0 && !e.state().equals("FAILED")) {
                throw new ReleaseException(ReleaseException.Reason.CONFLICT, "release " + name + " already has version "
                        + e.version() + "; a new version must be above it (releases are immutable)");
            }
        }
        Optional<Existing> previous = existing.stream()
                .filter(e -> e.state().equals("BUILT") || e.state().equals("PUBLISHED"))
                .max(Comparator.comparing(Existing::version));
        Map<String, Object> request = new java.util.HashMap<>();
        request.put("notes", notes);
        request.put("sim2real", withSim2Real);
        return jdbc.sql("""
                insert into releases (name, version, selection, state, previous_id, created_by, created_at, lease_owner,
                                      lease_until, build_request)
                values (:n, :v, cast(:sel as jsonb), 'BUILDING', :prev, :by, :at, :me,
                        now() + make_interval(secs => :lease), cast(:req as jsonb)) returning id""")
                .param("n", name).param("v", version.toString()).param("sel", json.writeValueAsString(selection))
                .param("prev", previous.map(Existing::id).orElse(null)).param("by", createdBy)
                .param("at", Timestamp.from(clock.instant())).param("me", lease.owner()).param("lease", lease.seconds())
                .param("req", json.writeValueAsString(request))
                .query(Long.class).single();
    }

    private Release complete(Release release, ReleaseSelection selection, @Nullable String notes,
                             @Nullable Sim2Real sim2real, BiConsumer<String, Long> progress) throws Exception {
        ReleaseSnapshot.Filter filter = ReleaseSnapshot.filter(selection);
        ReleaseSnapshot.Preflight preflight;
        try {
            preflight = snapshot.preflight(filter);
        } catch (ReleaseException e) {
            throw new ReleaseException(e.reason(), "release " + release.name() + " " + release.version()
                    + " cannot be exported for DiffSynth-Studio: " + e.getMessage());
        }
        progress.accept("samples selected", preflight.samples());
        if (preflight.samples() == 0) {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "the selection of release " + release.name() + " "
                    + release.version() + " matches no accepted sample; widen it or accept samples first");
        }
        Instant builtAt = clock.instant();
        Path dir = directoryOf(release.name(), release.version());
        storage.discard(dir);
        var target = new ReleaseFilesWriter.Target(release.id(), release.name(), release.version(), release.previousId(),
                dir, builtAt, Map.of(), ReleaseDiff.none(), notes, sim2real, null);
        ReleaseFilesWriter.Pass pass;
        try {
            pass = writer.writeSamples(target, filter, preflight, progress);
        } catch (ReleaseException e) {
            throw new ReleaseException(e.reason(), "release " + release.name() + " " + release.version()
                    + " cannot be exported for DiffSynth-Studio: " + e.getMessage());
        }
        // a million new rows: plan the diff and the manifest's queries on up-to-date statistics
        jdbc.sql("analyze release_samples").update();
        QualityReport report = quality.compute(release.id(), selection);
        QualityReport previousReport = release.previousId() == null ? null : catalog.get(release.previousId()).quality();
        ReleaseDiff diff = snapshot.diff(release.id(), release.previousId(), release.previousVersion())
                .withQuality(QualityReport.compare(previousReport, report));
        progress.accept("diff computed", diff.added() + diff.removed() + diff.changed());
        Map<String, Long> counts = pass.counts();
        var written = writer.finish(new ReleaseFilesWriter.Target(release.id(), release.name(), release.version(),
                release.previousId(), dir, builtAt, counts, diff, notes, sim2real, report), pass, progress);
        storage.built(dir);
        Map<String, Object> options = sim2real == null ? Map.of() : Map.of("sim2real",
                new Sim2Real.Subset(sim2real.categories(), sim2real.prompt(), written.stats().sim2realPairs()));
        int recorded = jdbc.sql("""
                update releases set state = 'BUILT', sample_count = :n, counts = cast(:counts as jsonb),
                       diff = cast(:diff as jsonb), notes = :notes, manifest_sha256 = :sha, built_at = :at, error = null,
                       options = cast(:options as jsonb), quality = cast(:quality as jsonb), lease_until = null
                where id = :id and state = 'BUILDING' and lease_owner = :me""")
                .param("n", pass.samples()).param("counts", json.writeValueAsString(counts))
                .param("diff", json.writeValueAsString(diff)).param("notes", ReleaseNotes.compose(notes, diff))
                .param("sha", written.manifestSha256()).param("at", Timestamp.from(builtAt)).param("id", release.id())
                .param("options", json.writeValueAsString(options)).param("quality", json.writeValueAsString(report))
                .param("me", lease.owner()).update();
        if (recorded == 0) {
            throw new LeaseLost("release " + release.name() + " " + release.version() + " (id " + release.id()
                    + ") was taken over by another server before this build was recorded");
        }
        return catalog.get(release.id());
    }

    /** Records the failure, unless another server took the build over (then its rows and files are that one's). */
    private void fail(Release release, Exception cause) {
        int mine = jdbc.sql("""
                update releases set state = 'FAILED', error = :e, lease_until = null
                 where id = :id and state = 'BUILDING' and lease_owner = :me""")
                .param("e", String.valueOf(cause.getMessage())).param("id", release.id()).param("me", lease.owner())
                .update();
        if (mine == 0) {
            return;
        }
        discardRows(release.id());
        try {
            storage.discard(directoryOf(release.name(), release.version()));
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** The rows a build wrote: its samples and the shards it created. */
    private void discardRows(long releaseId) {
        jdbc.sql("update release_samples set edited_shard_id = null, source_shard_id = null where release_id = :id")
                .param("id", releaseId).update();
        jdbc.sql("delete from release_shards where first_release_id = :id").param("id", releaseId).update();
        jdbc.sql("delete from release_samples where release_id = :id").param("id", releaseId).update();
    }

    private void discardFailed(String name, long id, SemanticVersion version) {
        jdbc.sql("delete from releases where id = :id and state = 'FAILED'").param("id", id).update();
        try {
            storage.discard(directoryOf(name, version.toString()));
        } catch (IOException | RuntimeException e) {
            throw new ReleaseException(ReleaseException.Reason.FAILED, "could not remove the files of failed release "
                    + name + " " + version + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
