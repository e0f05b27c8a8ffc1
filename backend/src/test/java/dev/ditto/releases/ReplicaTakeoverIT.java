package dev.ditto.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ditto.audit.AuditLog;
import dev.ditto.blobs.BlobStore;
import dev.ditto.testing.DittoIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Several servers on one database: a publication or a release build whose server stopped renewing its lease is
 * taken over by the next server that polls, which finishes it; the work a live server holds is left to it, and what
 * the first server had done is not done again.
 */
@DittoIntegrationTest
@TestPropertySource(properties = "ditto.releases.shard-max-bytes=160000")
class ReplicaTakeoverIT {
    private static final int LEASE_SECONDS = 3;

    @Autowired JdbcClient jdbc;
    @Autowired BlobStore blobs;
    @Autowired ObjectMapper json;
    @Autowired DataSource dataSource;
    @Autowired Clock clock;
    @Autowired ReleaseCatalog catalog;
    @Autowired ReleaseBuilder builder;
    @Autowired ReleaseService releases;
    @Autowired AuditLog audit;
    @Autowired FolderPublisher folder;
    @Autowired ReleaseProperties properties;
    @LocalServerPort int port;
    @TempDir Path temp;

    ReleaseApi api;
    ReleaseFixtures fixtures;

    /** What a killed process does to the thread that was building: it stops, and nothing after runs. */
    static final class Killed extends Error {
        Killed() {
            super("the server was killed");
        }
    }

    @BeforeEach
    void setUp() {
        api = new ReleaseApi(port, json);
        fixtures = new ReleaseFixtures(jdbc, blobs).releasingOnlyNewSamples();
    }

    @Test
    void aPublicationWhoseServerStoppedHeartbeatingIsFinishedByTheOtherServerWithoutCopyingAFileTwice() throws Exception {
        long release = builtRelease("ditto-replicas", 4);
        Path destination = temp.resolve("replicas");
        FreezingFolder freezing = new FreezingFolder(folder);
        PublicationService serverA = server("server-a", freezing);
        PublicationService serverB = server("server-b", folder);
        try {
            long id = serverA.publish(release, ReleasePublisher.Target.FOLDER, destination.toString()).id();
            assertThat(freezing.frozen.await(60, TimeUnit.SECONDS)).as("server A copied its first file").isTrue();

            // server A is alive and renews its lease: server B leaves the publication alone, for longer than the lease
            await("server B takes nothing while server A renews").during(Duration.ofSeconds(LEASE_SECONDS * 2L))
                    .atMost(Duration.ofSeconds(LEASE_SECONDS * 2L + 10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> serverB.resumeInterrupted().isEmpty());
            assertThat(owner(id)).isEqualTo("server-a");

            // server A dies: its lease is no longer renewed, and once it runs out server B takes the publication over
            serverA.haltHeartbeats();
            await().atMost(Duration.ofSeconds(LEASE_SECONDS * 5L)).pollInterval(Duration.ofMillis(200))
                    .until(() -> serverB.resumeInterrupted().contains(id));

            JsonNode done = api.awaitPublication(id);
            assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
            assertThat(owner(id)).isEqualTo("server-b");
            assertThat(done.path("filesDone").asInt()).isEqualTo(done.path("filesTotal").asInt());
            assertThat(done.path("bytesDone").asLong()).as("server B copied only what server A had not")
                    .isEqualTo(done.path("bytesTotal").asLong() - freezing.copiedBytes.get());
            assertFolderHoldsExactlyTheRelease(release, destination);

            // server A was only frozen: it wakes, finds its lease taken and stops without touching the publication
            freezing.wake.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> freezing.stopped.get() != null);
            assertThat(freezing.stopped.get()).isInstanceOf(PublicationService.LeaseLost.class);
            JsonNode after = api.get("/api/publications/" + id).json();
            assertThat(after.path("state").asString()).isEqualTo("DONE");
            assertThat(after.path("filesDone").asInt()).isEqualTo(after.path("filesTotal").asInt());
            assertThat(freezing.copiedBytes.get()).as("server A copied nothing more after waking")
                    .isEqualTo(freezing.copiedAtFreeze.get());
            assertFolderHoldsExactlyTheRelease(release, destination);
        } finally {
            freezing.wake.countDown();
            serverA.stop();
            serverB.stop();
        }
    }

    @Test
    void aReleaseWhoseServerDiedMidBuildIsBuiltOnceByTheOtherServer() throws Exception {
        int samples = 5;
        acceptedSamples(samples);
        ReleaseBuilder serverA = new ReleaseBuilder(dataSource, BlobFiles.of(blobs), properties, json, clock,
                temp.resolve("server-a")).leasedAs(new ReleaseBuilder.BuildLease("server-a", LEASE_SECONDS));
        ReleaseBuilder serverB = new ReleaseBuilder(dataSource, BlobFiles.of(blobs), properties, json, clock,
                temp.resolve("server-b")).leasedAs(new ReleaseBuilder.BuildLease("server-b", LEASE_SECONDS));
        NewRelease request = new NewRelease("ditto-rebuilt", "1.0.0", null, "Built by whichever server survives", false);

        // server A dies while writing the samples' files
        assertThatThrownBy(() -> serverA.build(request, null, (stage, n) -> {
            if (stage.equals("samples written")) {
                throw new Killed();
            }
        })).isInstanceOf(Killed.class);
        long id = jdbc.sql("select id from releases where name = 'ditto-rebuilt'").query(Long.class).single();
        assertThat(state(id)).isEqualTo(Map.of("state", "BUILDING", "owner", "server-a"));
        assertThat(serverB.claimAbandoned()).as("the lease has not run out yet").isEmpty();

        ReleaseBuilder.Abandoned abandoned = await().atMost(Duration.ofSeconds(LEASE_SECONDS * 5L))
                .pollInterval(Duration.ofMillis(200)).until(serverB::claimAbandoned, java.util.Optional::isPresent).orElseThrow();
        assertThat(serverA.claimAbandoned()).as("a claimed build is nobody else's").isEmpty();
        Release built = serverB.rebuild(abandoned, Sim2Real.defaults(), (stage, n) -> {});

        assertThat(built.id()).isEqualTo(id);
        assertThat(built.state()).isEqualTo(Release.State.BUILT);
        assertThat(built.sampleCount()).isEqualTo(samples);
        assertThat(built.notes()).contains("Built by whichever server survives");
        assertThat(state(id)).isEqualTo(Map.of("state", "BUILT", "owner", "server-b"));
        assertThat(jdbc.sql("select count(*), count(distinct sample_id) from release_samples where release_id = :id")
                .param("id", id).query((rs, i) -> List.of(rs.getLong(1), rs.getLong(2))).single())
                .isEqualTo(List.of((long) samples, (long) samples));
        Path dir = serverB.directoryOf("ditto-rebuilt", "1.0.0");
        for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
            Path file = dir.resolve(f.path("path").asString());
            assertThat(Files.size(file)).as(f.path("path").asString()).isEqualTo(f.path("size").asLong());
            assertThat(ReleaseManifest.sha256(file)).isEqualTo(f.path("sha256").asString());
        }
        assertThat(serverB.claimAbandoned()).isEmpty();
    }

    private long builtRelease(String name, int samples) throws Exception {
        acceptedSamples(samples);
        var built = api.post("/api/releases", Map.of("name", name, "version", "1.0.0"));
        assertThat(built.status()).as(built.body()).isEqualTo(201);
        return built.json().path("id").asLong();
    }

    private void acceptedSamples(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            long clip = fixtures.clip(73);
            fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a linocut print, take " + i, 0.9);
        }
    }

    private PublicationService server(String name, ReleasePublisher publisher) {
        return new PublicationService(jdbc, json, clock, catalog, builder, audit, List.of(publisher),
                new PublicationService.Lease(name, LEASE_SECONDS));
    }

    private @Nullable String owner(long publication) {
        return jdbc.sql("select lease_owner from publications where id = :id").param("id", publication)
                .query(String.class).single();
    }

    private Map<String, String> state(long release) {
        return jdbc.sql("select state, lease_owner from releases where id = :id").param("id", release)
                .query((rs, i) -> Map.of("state", rs.getString(1), "owner", rs.getString(2))).single();
    }

    /** Every file of the release, byte for byte, and nothing else (no half-copied {@code .part} file). */
    private void assertFolderHoldsExactlyTheRelease(long release, Path destination) throws Exception {
        Release r = releases.get(release);
        Path dir = releases.directory(r);
        Set<String> expected = new TreeSet<>(Set.of("manifest.json"));
        for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
            String path = f.path("path").asString();
            expected.add(path);
            assertThat(Files.mismatch(dir.resolve(path), destination.resolve(path))).as(path).isEqualTo(-1L);
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.walk(destination)) {
            files.filter(Files::isRegularFile).forEach(p -> present.add(destination.relativize(p).toString()));
        }
        assertThat(present).isEqualTo(expected);
    }

    /**
     * A folder publisher on a server that freezes after copying its first file (a stopped process, a long pause)
     * until {@code wake}; it records what it copied and how it stopped.
     */
    static final class FreezingFolder implements ReleasePublisher {
        private final FolderPublisher delegate;
        final CountDownLatch frozen = new CountDownLatch(1);
        final CountDownLatch wake = new CountDownLatch(1);
        final AtomicLong copiedBytes = new AtomicLong();
        final AtomicLong copiedAtFreeze = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Throwable> stopped = new java.util.concurrent.atomic.AtomicReference<>();

        FreezingFolder(FolderPublisher delegate) {
            this.delegate = delegate;
        }

        @Override
        public Target target() {
            return Target.FOLDER;
        }

        @Override
        public void checkDestination(String destination) {
            delegate.checkDestination(destination);
        }

        @Override
        public Outcome publish(Job job) throws Exception {
            PublicationTracker tracker = job.tracker();
            PublicationTracker freezing = new PublicationTracker() {
                @Override
                public <T> @Nullable T state(Class<T> type) {
                    return tracker.state(type);
                }

                @Override
                public void saveState(Object state) {
                    tracker.saveState(state);
                }

                @Override
                public void totals(int files, long bytes) {
                    tracker.totals(files, bytes);
                }

                @Override
                public void checkpoint() {
                    tracker.checkpoint();
                }

                @Override
                public void advance(int files, long bytes) {
                    tracker.advance(files, bytes);
                    copiedBytes.addAndGet(bytes);
                    if (bytes > 0 && frozen.getCount() > 0) {
                        copiedAtFreeze.set(copiedBytes.get());
                        frozen.countDown();
                        try {
                            wake.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            try {
                return delegate.publish(new Job(job.publicationId(), job.release(), job.releaseDir(), job.manifest(),
                        job.destination(), freezing, job.files()));
            } catch (Exception | Error e) {
                stopped.set(e);
                throw e;
            }
        }
    }
}
