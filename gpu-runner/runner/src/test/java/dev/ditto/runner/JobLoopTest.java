package dev.ditto.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.client.RetryPolicy;
import dev.ditto.runner.client.RunnerClient;
import dev.ditto.runner.models.ModelStore;
import dev.ditto.runner.probe.ProbeDetectors;
import dev.ditto.runner.probe.ProbeEngine;
import dev.ditto.runner.probe.ProbeLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLoopTest {
    /** A small training format, so the wiring test of GENERATE stays cheap; the engine's own tests use 832×480×73. */
    private static final VideoFormat SMALL = new VideoFormat(320, 192, 17, 20);

    @TempDir
    Path dir;

    FakeRunnerServer server;
    RunnerClient client;
    JobLoop loop;
    Thread loopThread;

    @BeforeEach
    void startServer() throws Exception {
        server = new FakeRunnerServer();
        client = new RunnerClient(server.uri(), FakeRunnerServer.TOKEN, server.json,
                new RetryPolicy(6, Duration.ofMillis(10), Duration.ofMillis(100)), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.shutdown(Duration.ofSeconds(5));
        }
        server.close();
    }

    @Test
    void withAnObjectStoreTheBytesGoStraightToTheStoreWithoutTheRunnersToken() throws Exception {
        server.direct.set(true);
        BlobRef input = server.addBlob("source bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        server.queue.add(probeJob(12, 1, input));
        AtomicBoolean sawInput = new AtomicBoolean();
        start(writesOneClip(sawInput));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(event.completion()).isNotNull();
        assertThat(sawInput).isTrue();
        assertThat(server.artifacts.get("clip-000.mp4")).isEqualTo("a clip".getBytes(StandardCharsets.UTF_8));
        // the store served the input and took the artefact itself, and refuses any request carrying the token
        assertThat(server.storeRequests).containsExactly("GET /store/blobs/" + input.key(), "PUT /store/incoming/12/clip-000.mp4");
    }

    @Test
    void jobIsDownloadedRunUploadedAndCompleted() throws Exception {
        BlobRef input = server.addBlob("source bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        server.queue.add(probeJob(11, 2, input));
        AtomicBoolean sawInput = new AtomicBoolean();
        start(writesOneClip(sawInput));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(event.jobId()).isEqualTo(11);
        assertThat(event.completion()).isNotNull();
        assertThat(event.completion().attempt()).isEqualTo(2);
        assertThat(event.completion().result()).isInstanceOf(ProbeResult.class);
        assertThat(sawInput).isTrue();
        assertThat(server.artifacts).containsKey("clip-000.mp4");
        assertThat(new String(server.artifacts.get("clip-000.mp4"), StandardCharsets.UTF_8)).isEqualTo("a clip");
        awaitCondition(() -> !Files.exists(dir.resolve("work/job-11-2")));
    }

    @Test
    void aCompletionBringsTheNextJobWithoutAnotherClaim() throws Exception {
        BlobRef input = server.addBlob("source bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        server.queue.add(probeJob(21, 1, input));
        server.queue.add(probeJob(22, 1, input));
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> probeResult()));

        FakeRunnerServer.Event first = server.nextEvent();
        FakeRunnerServer.Event second = server.nextEvent();

        assertThat(first.jobId()).isEqualTo(21);
        assertThat(first.completion().claimNext()).containsExactly(JobType.PROBE);
        assertThat(second.jobId()).isEqualTo(22);
        assertThat(second.completion()).isNotNull();
        assertThat(server.jobsClaimed).as("job 22 came with job 21's completion").hasValue(1);
    }

    @Test
    void corruptUploadIsParkedAndTheNextSourceStillCompletes() throws Exception {
        try (ProbeDetectors detectors = ProbeDetectors.load(ModelStore.locate(null, System.getenv()))) {
            ProbeEngine probe = new ProbeEngine(detectors, ProbeLimits.DEFAULT, "loop-test");
            BlobRef notAVideo = server.addBlob("%PDF-1.4 this is not a video".getBytes(StandardCharsets.UTF_8), "video/mp4");
            BlobRef cup = server.addBlob(Files.readAllBytes(TestClips.cup(dir)), "video/mp4");
            server.queue.add(probeJob(21, 1, notAVideo));
            server.queue.add(probeJob(22, 1, cup));
            start(Map.of(JobType.PROBE, probe::run));

            FakeRunnerServer.Event first = server.nextEvent();
            FakeRunnerServer.Event second = server.nextEvent();

            assertThat(first.jobId()).isEqualTo(21);
            assertThat(first.failure()).isNotNull();
            assertThat(first.failure().retryable()).isFalse();
            assertThat(first.failure().error()).contains("not a readable video");
            assertThat(second.jobId()).isEqualTo(22);
            assertThat(second.completion()).isNotNull();
            ProbeResult result = (ProbeResult) second.completion().result();
            assertThat(result.clips()).isNotEmpty();
            assertThat(server.artifacts).containsKeys("clip-000.mp4", "clip-000-key.jpg", "clip-000-thumb.jpg");
        }
    }

    @Test
    void unexpectedErrorFailsRetryableWithItsMessage() throws Exception {
        server.queue.add(probeJob(31, 1, server.addBlob(new byte[] {1, 2, 3}, "video/mp4")));
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            throw new IllegalStateException("GPU out of memory");
        }));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(event.failure().retryable()).isTrue();
        assertThat(event.failure().error()).contains("GPU out of memory");
    }

    @Test
    void lostLeaseAbortsTheJobQuietly() throws Exception {
        server.leaseLost.add(41L);
        server.queue.add(probeJob(41, 1, server.addBlob(new byte[] {1}, "video/mp4")));
        server.queue.add(probeJob(42, 1, server.addBlob(new byte[] {2}, "video/mp4")));
        CountDownLatch interrupted = new CountDownLatch(1);
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            if (((ProbePayload) payload).sourceId() == 41) {
                try {
                    new CountDownLatch(1).await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            return probeResult();
        }));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(interrupted.await(120, TimeUnit.SECONDS)).as("job 41 interrupted after its heartbeat got 409").isTrue();
        assertThat(event.jobId()).as("job 41 reports nothing; job 42 completes").isEqualTo(42);
        assertThat(event.completion()).isNotNull();
        assertThat(server.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void heartbeatsCarryTheJobsStageAndProgress() throws Exception {
        server.queue.add(probeJob(51, 3, server.addBlob(new byte[] {1}, "video/mp4")));
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            progress.report("encode", 0.5);
            awaitCondition(() -> server.heartbeats.stream().anyMatch(h -> h.stage().equals("encode")));
            return probeResult();
        }));

        server.nextEvent();

        assertThat(server.heartbeats).anySatisfy(h -> {
            assertThat(h.stage()).isEqualTo("encode");
            assertThat(h.progress()).isEqualTo(0.5);
            assertThat(h.attempt()).isEqualTo(3);
        });
    }

    @Test
    void shutdownHandsBackAJobThatOutlivesTheGracePeriod() throws Exception {
        server.queue.add(probeJob(61, 1, server.addBlob(new byte[] {1}, "video/mp4")));
        CountDownLatch running = new CountDownLatch(1);
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            running.countDown();
            new CountDownLatch(1).await();
            return probeResult();
        }));
        assertThat(running.await(120, TimeUnit.SECONDS)).isTrue();

        loop.shutdown(Duration.ofMillis(200));

        FakeRunnerServer.Event event = server.nextEvent();
        assertThat(event.jobId()).isEqualTo(61);
        assertThat(event.failure().retryable()).isTrue();
        assertThat(event.failure().handBack()).as("a hand-back, not a failure of the job").isTrue();
        assertThat(event.failure().error()).contains("handed back");
        loopThread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(loopThread.isAlive()).as("claim loop stopped").isFalse();
    }

    @Test
    void aRunnerWhoseServerIsGoneStopsWithoutWaitingItsGracePeriod() throws Exception {
        server.queue.add(probeJob(81, 1, server.addBlob(new byte[] {1}, "video/mp4")));
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return probeResult();
        }));
        assertThat(running.await(120, TimeUnit.SECONDS)).isTrue();
        server.close(); // the server crashed: nothing listens any more

        Thread stopper = new Thread(() -> loop.shutdown(Duration.ofMinutes(10)));
        stopper.start();
        stopper.join(TimeUnit.MINUTES.toMillis(2));

        assertThat(stopper.isAlive()).as("shutdown returned long before the 10-minute grace period").isFalse();
        assertThat(interrupted).as("the running job was stopped, not waited for").isTrue();
    }

    @Test
    void shutdownLetsARunningJobFinishWithinTheGracePeriod() throws Exception {
        server.queue.add(probeJob(71, 1, server.addBlob(new byte[] {1}, "video/mp4")));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            running.countDown();
            release.await();
            return probeResult();
        }));
        assertThat(running.await(120, TimeUnit.SECONDS)).isTrue();

        Thread stopper = new Thread(() -> loop.shutdown(Duration.ofSeconds(60)));
        stopper.start();
        awaitCondition(() -> !loopThread.isAlive());
        release.countDown();

        FakeRunnerServer.Event event = server.nextEvent();
        assertThat(event.completion()).isNotNull();
        stopper.join();
    }

    @Test
    void aServerWhoseDiskIsFullIsWaitedForWithoutFailingTheJob() throws Exception {
        BlobRef input = server.addBlob("source bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        server.queue.add(probeJob(41, 2, input));
        server.uploadsToRefuseWith507.set(2);
        startWithStorageBackoff(new RetryPolicy(5, Duration.ofMillis(300), Duration.ofMillis(600)),
                Map.of(JobType.PROBE, uploadsAClip()));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(event.jobId()).isEqualTo(41);
        assertThat(event.completion()).as("completed, never failed").isNotNull();
        assertThat(server.uploads).as("two refusals, then stored: no quick retries of a 507").hasValue(3);
        assertThat(server.artifacts).containsKey("clip-000.mp4");
        assertThat(server.heartbeats).as("the lease was kept while waiting")
                .anyMatch(h -> h.stage().equals("waiting: server disk full"));
        assertThat(server.events).isEmpty();
    }

    @Test
    void aDiskThatStaysFullHandsTheJobBackWithoutUsingAnAttempt() throws Exception {
        BlobRef input = server.addBlob("source bytes".getBytes(StandardCharsets.UTF_8), "video/mp4");
        server.queue.add(probeJob(42, 1, input));
        server.uploadsToRefuseWith507.set(-1);
        startWithStorageBackoff(new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50)),
                Map.of(JobType.PROBE, uploadsAClip()));

        FakeRunnerServer.Event event = server.nextEvent();

        assertThat(event.jobId()).isEqualTo(42);
        assertThat(event.failure()).isNotNull();
        assertThat(event.failure().handBack()).as("a hand-back uses no attempt").isTrue();
        assertThat(event.failure().retryable()).isTrue();
        assertThat(event.failure().error()).contains("the server's disk stayed full").contains("507")
                .contains("has 12 MB free; free space and try again");
        assertThat(server.uploads).hasValue(3);
        assertThat(server.artifacts).isEmpty();
    }

    @Test
    void serverErrorsOnClaimAreRetried() throws Exception {
        server.claimsToFailWith503.set(3);
        server.queue.add(probeJob(81, 1, server.addBlob(new byte[] {1}, "video/mp4")));
        start(Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> probeResult()));

        assertThat(server.nextEvent().completion()).isNotNull();
        assertThat(server.claimsToFailWith503).hasValue(0);
    }

    @Test
    void generateJobRunsOnTheBuiltinEngineAndUnknownOpsAreParked() throws Exception {
        Path clip = dir.resolve("clip.mp4");
        dev.ditto.runner.media.ClipNormaliser.normaliseFile(TestClips.cup(dir), clip, SMALL, 0.5);
        BlobRef source = server.addBlob(Files.readAllBytes(clip), "video/mp4");
        server.queue.add(generateJob(91, source, new dev.ditto.protocol.EditSpec("teleport", Map.of(), 1, "Teleport the cup")));
        server.queue.add(generateJob(92, source,
                new dev.ditto.protocol.EditSpec("grade", Map.of("grade", "sunset"), 7, "Make it sunset")));
        try (var engine = BuiltinGenerate.engine("loop-test", ModelStore.locate(null, System.getenv()))) {
            GenerateBackend backend = BuiltinGenerate.backend(engine);
            start(Map.of(JobType.GENERATE, (payload, in, work, sink, progress) ->
                    backend.run((dev.ditto.protocol.GeneratePayload) payload, in, work, sink, progress)));

            FakeRunnerServer.Event refused = server.nextEvent();
            FakeRunnerServer.Event generated = server.nextEvent();

            assertThat(refused.jobId()).isEqualTo(91);
            assertThat(refused.failure().retryable()).isFalse();
            assertThat(refused.failure().error()).contains("teleport");
            assertThat(generated.jobId()).isEqualTo(92);
            assertThat(generated.completion()).as("GENERATE completed: %s", generated.failure()).isNotNull();
            var result = (dev.ditto.protocol.GenerateResult) generated.completion().result();
            assertThat(server.artifacts).containsKey(artifactName(result.editedVideo()));
            assertThat(result.provenance().stages()).isNotEmpty();
        }
    }

    private String artifactName(BlobRef blob) {
        return server.artifacts.entrySet().stream()
                .filter(e -> e.getValue().length == blob.size()).map(Map.Entry::getKey).findFirst().orElse("?");
    }

    private static JobAssignment generateJob(long id, BlobRef clip, dev.ditto.protocol.EditSpec edit) {
        return new JobAssignment(id, 1, JobType.GENERATE, new dev.ditto.protocol.GeneratePayload(1, id, 3, 4, clip,
                edit.prompt(), edit, SMALL), Instant.now().plusSeconds(30));
    }

    /** A PROBE handler that reads its input ("source bytes" sets {@code sawInput}) and stores one clip, "a clip". */
    private static Map<JobType, JobHandler> writesOneClip(AtomicBoolean sawInput) {
        return Map.of(JobType.PROBE, (payload, in, work, sink, progress) -> {
            sawInput.set(Files.readString(in).equals("source bytes"));
            Path out = Files.writeString(work.resolve("clip.txt"), "a clip");
            BlobRef stored = sink.store("clip-000.mp4", out, "video/mp4");
            assertThat(stored.key()).isEqualTo(RunnerClient.sha256Hex(out));
            return probeResult();
        });
    }

    private void start(Map<JobType, JobHandler> handlers) {
        startWithStorageBackoff(JobLoop.STORAGE_FULL, handlers);
    }

    private void startWithStorageBackoff(RetryPolicy storageFull, Map<JobType, JobHandler> handlers) {
        loop = new JobLoop(client, handlers, dir.resolve("work"), 1, Duration.ofMillis(100), 1, "loop-test", storageFull);
        loopThread = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "claim-loop");
        loopThread.start();
    }

    /** A PROBE handler that uploads one artefact and succeeds. */
    private static JobHandler uploadsAClip() {
        return (payload, in, work, sink, progress) -> {
            sink.store("clip-000.mp4", Files.writeString(work.resolve("clip.txt"), "a clip"), "video/mp4");
            return probeResult();
        };
    }

    private static JobAssignment probeJob(long id, int attempt, BlobRef video) {
        return new JobAssignment(id, attempt, JobType.PROBE,
                new ProbePayload(1, id, video, "source-" + id + ".mp4", VideoFormat.DITTO_DEFAULT, 2, 8),
                Instant.now().plusSeconds(30));
    }

    private static ProbeResult probeResult() {
        return new ProbeResult(1, 8, 25, 640, 480, "h264", List.of(), List.of(), Map.of(),
                new Provenance("loop-test", List.of()));
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 12_000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition reached within 120 s").isTrue();
    }
}
