package dev.ditto.runners;

import static dev.ditto.jobs.JobFixtures.aProbePayloadOf;
import static dev.ditto.jobs.JobFixtures.aProbeResult;
import static dev.ditto.jobs.JobFixtures.aRunnerName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ditto.blobs.BlobStore;
import dev.ditto.jobs.JobArrivals;
import dev.ditto.jobs.JobQueue;
import dev.ditto.jobs.JobStatus;
import dev.ditto.jobs.MutableClock;
import dev.ditto.jobs.QueueIntegrationTest;
import dev.ditto.jobs.QueueTestConfiguration;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.ArtifactStored;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.Heartbeat;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobOutcome;
import dev.ditto.protocol.JobFailure;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProtocolError;
import dev.ditto.protocol.RunnerPaths;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.ObjectMapper;

@QueueIntegrationTest
// a waiting claim looks again only after 60 s: a wake-up within 1 s can only be the NOTIFY
@TestPropertySource(properties = "ditto.queue.claim-poll-ms=60000")
class RunnerProtocolIT {
    private static final List<JobType> PROBES = List.of(JobType.PROBE);

    @LocalServerPort int port;
    @Autowired ObjectMapper json;
    @Autowired JobQueue queue;
    @Autowired JobArrivals arrivals;
    @Autowired BlobStore blobs;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;
    @Autowired DittoProperties properties;
    @Autowired RunnerTokens tokens;
    @Autowired QueueTestConfiguration.RecordingHandler handler;

    RunnerHttp http;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("delete from jobs").update();
        http = new RunnerHttp(port, json);
    }

    @Test
    void aCompletionThatAsksForMoreWorkAnswersWithTheRunnersNextJob() throws Exception {
        String token = aRunnerToken();
        long first = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("6".repeat(64), 1, "video/mp4")), 0, null, null);
        long second = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("7".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 5)), JobAssignment.class);
        assertThat(job.jobId()).isEqualTo(first);

        HttpResponse<String> completed = http.post(RunnerPaths.COMPLETE.formatted(first), token,
                new JobCompletion(job.attempt(), aProbeResult(), PROBES));

        assertThat(completed.statusCode()).isEqualTo(200);
        JobOutcome outcome = http.read(completed, JobOutcome.class);
        assertThat(outcome.outcome()).isEqualTo("COMPLETED");
        assertThat(outcome.next()).isNotNull();
        assertThat(outcome.next().jobId()).isEqualTo(second);
        assertThat(outcome.next().payload()).isInstanceOf(ProbePayload.class);
        assertThat(queue.find(second).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        // the job it brought is held like a claimed one: heartbeats and completion work with its attempt
        assertThat(http.post(RunnerPaths.HEARTBEAT.formatted(second), token, new Heartbeat(outcome.next().attempt(), "probe", 0.1))
                .statusCode()).isEqualTo(200);
        JobOutcome last = http.read(http.post(RunnerPaths.COMPLETE.formatted(second), token,
                new JobCompletion(outcome.next().attempt(), aProbeResult(), PROBES)), JobOutcome.class);
        assertThat(last.outcome()).isEqualTo("COMPLETED");
        assertThat(last.next()).isNull();
        assertThat(handler.completionsOf(first)).isEqualTo(1);
        assertThat(handler.completionsOf(second)).isEqualTo(1);
    }

    @Test
    void fullProtocolRoundTrip() throws Exception {
        String token = aRunnerToken();
        byte[] video = randomBytes(300_000);
        BlobStore.StoredBlob input = blobs.put(new ByteArrayInputStream(video), Long.MAX_VALUE, null);
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef(input.key(), input.size(), "video/mp4")), 0, null, null);

        HttpResponse<String> registered = http.post(RunnerPaths.REGISTER, token, new RunnerRegistration("gpu-box", "gpu-box.local",
                new RunnerRegistration.Capabilities(16, 64_000, List.of("NVIDIA H100")), List.of("probe", "generate"), "0.1.0"));
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(http.read(registered, RunnerRegistered.class).leaseSeconds()).isEqualTo(properties.runner().leaseSeconds());

        HttpResponse<String> claimed = http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 5));
        assertThat(claimed.statusCode()).isEqualTo(200);
        JobAssignment job = http.read(claimed, JobAssignment.class);
        assertThat(job.jobId()).isEqualTo(jobId);
        assertThat(job.payload()).isInstanceOf(ProbePayload.class);
        BlobRef videoRef = ((ProbePayload) job.payload()).video();

        HttpResponse<byte[]> whole = http.getBytes(RunnerPaths.BLOB.formatted(videoRef.key()), token, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(video);
        HttpResponse<byte[]> part = http.getBytes(RunnerPaths.BLOB.formatted(videoRef.key()), token, "bytes=100-199");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(video, 100, 200));

        HttpResponse<String> beat = http.post(RunnerPaths.HEARTBEAT.formatted(jobId), token, new Heartbeat(job.attempt(), "probe", 0.5));
        assertThat(beat.statusCode()).isEqualTo(200);
        assertThat(http.read(beat, HeartbeatAck.class).cancel()).isFalse();

        byte[] clip = randomBytes(50_000);
        HttpResponse<String> uploaded = http.put(RunnerPaths.ARTIFACT.formatted(jobId, "clip-0.mp4", job.attempt()), token, clip, sha256(clip));
        assertThat(uploaded.statusCode()).isEqualTo(200);
        ArtifactStored stored = http.read(uploaded, ArtifactStored.class);
        assertThat(stored.blob().key()).isEqualTo(sha256(clip));
        assertThat(stored.blob().size()).isEqualTo(clip.length);
        assertThat(blobs.stat(sha256(clip))).isPresent();

        HttpResponse<String> completed = http.post(RunnerPaths.COMPLETE.formatted(jobId), token, new JobCompletion(job.attempt(), aProbeResult()));
        assertThat(completed.statusCode()).isEqualTo(200);
        assertThat(completed.body()).contains("\"COMPLETED\"");
        HttpResponse<String> again = http.post(RunnerPaths.COMPLETE.formatted(jobId), token, new JobCompletion(job.attempt(), aProbeResult()));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("ALREADY_COMPLETED");
        assertThat(handler.completionsOf(jobId)).isEqualTo(1);
        assertThat(queue.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);

        long started = System.nanoTime();
        assertThat(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 1)).statusCode()).isEqualTo(204);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        HttpResponse<byte[]> afterwards = http.getBytes(RunnerPaths.BLOB.formatted(videoRef.key()), token, null);
        assertThat(afterwards.statusCode()).as("inputs are served only while the job is held").isEqualTo(404);
    }

    @Test
    void waitingClaimWakesUpWhenAJobArrives() throws Exception {
        String token = aRunnerToken();
        CompletableFuture<HttpResponse<String>> claim = CompletableFuture.supplyAsync(() -> {
            try {
                return http.post(RunnerPaths.CLAIM, token, new ClaimRequest(List.of(), 20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.waiting() > 0); // the claim found nothing and waits
        long enqueued = System.nanoTime();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("1".repeat(64), 1, "video/mp4")), 0, null, null);

        HttpResponse<String> answer = claim.get();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(http.read(answer, JobAssignment.class).jobId()).isEqualTo(jobId);
        // PostgreSQL's NOTIFY woke it: the fallback poll of this test's context comes only after 60 s
        assertThat(Duration.ofNanos(System.nanoTime() - enqueued)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void runnerKilledMidJobLosesItToASecondRunnerAndItsLateCompletionIsRefused() throws Exception {
        String killed = aRunnerToken();
        String survivor = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("2".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment first = http.read(http.post(RunnerPaths.CLAIM, killed, new ClaimRequest(PROBES, 0)), JobAssignment.class);
        http.post(RunnerPaths.HEARTBEAT.formatted(jobId), killed, new Heartbeat(first.attempt(), "probe", 0.3));

        // SIGKILL: no more heartbeats. Within the lease, nobody else gets the job ...
        clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() - 1));
        queue.reapExpiredLeases();
        assertThat(http.post(RunnerPaths.CLAIM, survivor, new ClaimRequest(PROBES, 0)).statusCode()).isEqualTo(204);
        // ... after it, the reaper puts it back and the second runner completes it
        clock.advance(Duration.ofSeconds(2));
        queue.reapExpiredLeases();
        JobAssignment second = http.read(http.post(RunnerPaths.CLAIM, survivor, new ClaimRequest(PROBES, 0)), JobAssignment.class);
        assertThat(second.jobId()).isEqualTo(jobId);
        assertThat(second.attempt()).isEqualTo(first.attempt() + 1);
        assertThat(http.post(RunnerPaths.COMPLETE.formatted(jobId), survivor, new JobCompletion(second.attempt(), aProbeResult()))
                .statusCode()).isEqualTo(200);

        HttpResponse<String> late = http.post(RunnerPaths.COMPLETE.formatted(jobId), killed, new JobCompletion(first.attempt(), aProbeResult()));
        HttpResponse<String> lateBeat = http.post(RunnerPaths.HEARTBEAT.formatted(jobId), killed, new Heartbeat(first.attempt(), "probe", 0.9));

        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(http.read(late, ProtocolError.class).error()).isEqualTo("lease_lost");
        assertThat(lateBeat.statusCode()).isEqualTo(409);
        assertThat(handler.completionsOf(jobId)).isEqualTo(1);
        assertThat(handler.completed).filteredOn(j -> j.jobId() == jobId).singleElement()
                .satisfies(j -> assertThat(j.attempt()).isEqualTo(second.attempt()));
        assertThat(jdbc.sql("select count(*) from jobs where id = :id and status = 'SUCCEEDED'").param("id", jobId)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void failureIsReportedAndRequeued() throws Exception {
        String token = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("3".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 0)), JobAssignment.class);

        HttpResponse<String> failed = http.post(RunnerPaths.FAIL.formatted(jobId), token, new JobFailure(job.attempt(), "CUDA error", true));

        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.body()).contains("REQUEUED");
        assertThat(queue.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aHandBackRequeuesAtOnceWithoutUsingAnAttempt() throws Exception {
        String token = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("4".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 0)), JobAssignment.class);

        HttpResponse<String> handedBack = http.post(RunnerPaths.FAIL.formatted(jobId), token,
                new JobFailure(job.attempt(), "runner shut down before the job finished", true, true));

        assertThat(handedBack.statusCode()).isEqualTo(200);
        assertThat(handedBack.body()).contains("REQUEUED");
        var view = queue.find(jobId).orElseThrow();
        assertThat(view.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(view.runnerLosses()).isEqualTo(1);
        assertThat(view.maxAttempts() - view.runnerLosses()).as("every attempt is left for the job's own failures")
                .isEqualTo(properties.runner().maxAttempts());
        assertThat(view.availableAt()).as("no backoff: the job did not fail").isBeforeOrEqualTo(clock.instant());
    }

    @Test
    void revokedTokenIsRejected() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        CreatedRunner runner = http.read(created, CreatedRunner.class);
        assertThat(http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)).statusCode()).isEqualTo(204);

        assertThat(http.asAdmin("DELETE", "/api/admin/runners/" + runner.id(), null).statusCode()).isEqualTo(204);
        HttpResponse<String> refused = http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0));

        assertThat(refused.statusCode()).isEqualTo(401);
        ProtocolError error = http.read(refused, ProtocolError.class);
        assertThat(error.error()).isEqualTo("revoked_token");
        assertThat(error.message()).contains(runner.name()).contains("Ask an admin");
        assertThat(jdbc.sql("select action from audit_log where entity = 'runner' and entity_id = :id order by id")
                .param("id", String.valueOf(runner.id())).query(String.class).list())
                .containsExactly("runner.create", "runner.revoke");
    }

    @Test
    void aKnownTokenIsCheckedFromMemoryAndARevocationByAnotherServerIsSeenWithinTheCheckPeriod() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        CreatedRunner runner = http.read(created, CreatedRunner.class);
        tokens.checkRevocations(); // the periodic check has seen the new runner: it will not forget the token below
        assertThat(http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)).statusCode()).isEqualTo(204);
        // the stored hash no longer matches the token: only a token known from memory can still pass
        jdbc.sql("update runners set token_hash = 'replaced-' || token_hash where id = :id").param("id", runner.id()).update();
        assertThat(http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)).statusCode())
                .as("authenticated without looking the token up").isEqualTo(204);
        jdbc.sql("update runners set token_hash = substring(token_hash from 10) where id = :id").param("id", runner.id()).update();

        // another server revokes it: a row change this server did not make
        jdbc.sql("update runners set revoked_at = now() where id = :id").param("id", runner.id()).update();
        await("the revocation is seen within ditto.runner.token-check-ms (1 s)").atMost(Duration.ofSeconds(10))
                .until(() -> http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)).statusCode() == 401);
        assertThat(http.read(http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)), ProtocolError.class)
                .error()).isEqualTo("revoked_token");
    }

    @Test
    void aRunnerHeardFromHasItsLastSeenWrittenWithinTheFlushPeriod() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        CreatedRunner runner = http.read(created, CreatedRunner.class);
        assertThat(jdbc.sql("select last_seen_at is null from runners where id = :id").param("id", runner.id())
                .query(Boolean.class).single()).isTrue();
        assertThat(http.post(RunnerPaths.CLAIM, runner.token(), new ClaimRequest(PROBES, 0)).statusCode()).isEqualTo(204);
        await("last_seen_at written by the batch within ditto.runner.seen-flush-ms (2 s)").atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select last_seen_at is not null from runners where id = :id").param("id", runner.id())
                        .query(Boolean.class).single());
    }

    @Test
    void unknownOrMissingTokensAreRejected() throws Exception {
        HttpResponse<String> unknown = http.post(RunnerPaths.CLAIM, "dtr_" + "x".repeat(43), new ClaimRequest(PROBES, 0));
        HttpResponse<String> missing = http.post(RunnerPaths.CLAIM, null, new ClaimRequest(PROBES, 0));

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(http.read(unknown, ProtocolError.class).error()).isEqualTo("unknown_token");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(http.read(missing, ProtocolError.class).error()).isEqualTo("missing_token");
    }

    @Test
    void tokenIsShownOnceAndStoredOnlyAsAHash() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        assertThat(created.statusCode()).isEqualTo(201);
        CreatedRunner runner = http.read(created, CreatedRunner.class);

        HttpResponse<String> listed = http.asAdmin("GET", "/api/admin/runners", null);

        assertThat(runner.token()).startsWith("dtr_").hasSize(4 + 43);
        assertThat(listed.body()).contains(runner.tokenHint()).doesNotContain(runner.token());
        assertThat(jdbc.sql("select token_hash from runners where id = :id").param("id", runner.id()).query(String.class).single())
                .isEqualTo(RunnerTokens.hash(runner.token()));
        assertThat(http.get("/api/admin/runners", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theRunnerListIsReadAPageAtATimeNewestFirst() throws Exception {
        List<Long> made = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(http.read(http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName())), CreatedRunner.class).id());
        }

        RunnerInfo[] first = http.read(http.asAdmin("GET", "/api/admin/runners?limit=2", null), RunnerInfo[].class);
        RunnerInfo[] next = http.read(http.asAdmin("GET", "/api/admin/runners?limit=2&offset=2", null), RunnerInfo[].class);
        HttpResponse<String> tooMany = http.asAdmin("GET", "/api/admin/runners?limit=1001", null);
        HttpResponse<String> negative = http.asAdmin("GET", "/api/admin/runners?offset=-1", null);

        assertThat(first).extracting(RunnerInfo::id).containsExactly(made.get(2), made.get(1));
        assertThat(next).extracting(RunnerInfo::id).startsWith(made.get(0));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 1000");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).contains("'offset' must be 0 or more");
    }

    @Test
    void artifactWithAWrongChecksumIsRefusedAndNothingIsStored() throws Exception {
        String token = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("4".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 0)), JobAssignment.class);
        byte[] content = randomBytes(10_000);

        HttpResponse<String> refused = http.put(RunnerPaths.ARTIFACT.formatted(jobId, "edited.mp4", job.attempt()), token,
                content, sha256("something else".getBytes()));

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(http.read(refused, ProtocolError.class).error()).isEqualTo("checksum_mismatch");
        assertThat(blobs.stat(sha256(content))).isEmpty();
        assertThat(artifactsOf(jobId)).isEqualTo("{}");
    }

    @Test
    void artifactOverTheSizeLimitIsRefused() throws Exception {
        String token = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("5".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 0)), JobAssignment.class);
        byte[] content = randomBytes((int) (properties.runner().maxArtifactMb() * 1024 * 1024) + 1000);

        HttpResponse<String> refused = http.put(RunnerPaths.ARTIFACT.formatted(jobId, "huge.mp4", job.attempt()), token,
                content, sha256(content));

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(http.read(refused, ProtocolError.class).error()).isEqualTo("artifact_too_large");
        assertThat(blobs.stat(sha256(content))).isEmpty();
    }

    @Test
    void uploadAfterTheLeaseWasLostIsRefused() throws Exception {
        String token = aRunnerToken();
        long jobId = queue.enqueue(JobType.PROBE, aProbePayloadOf(new BlobRef("6".repeat(64), 1, "video/mp4")), 0, null, null);
        JobAssignment job = http.read(http.post(RunnerPaths.CLAIM, token, new ClaimRequest(PROBES, 0)), JobAssignment.class);
        clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() + 1));
        queue.reapExpiredLeases();
        byte[] content = randomBytes(1000);

        HttpResponse<String> refused = http.put(RunnerPaths.ARTIFACT.formatted(jobId, "late.mp4", job.attempt()), token,
                content, sha256(content));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(blobs.stat(sha256(content))).isEmpty();
    }

    @Test
    void blobsThatAreNotInputsOfTheRunnersJobsAreNotServed() throws Exception {
        String token = aRunnerToken();
        byte[] secret = randomBytes(100);
        BlobStore.StoredBlob blob = blobs.put(new ByteArrayInputStream(secret), Long.MAX_VALUE, null);

        HttpResponse<byte[]> refused = http.getBytes(RunnerPaths.BLOB.formatted(blob.key()), token, null);

        assertThat(refused.statusCode()).isEqualTo(404);
    }

    @Test
    void openApiDocumentIsPublic() throws Exception {
        HttpResponse<String> doc = http.get("/api/runner/openapi.yaml", null);

        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("yaml"));
        assertThat(doc.body()).contains("openapi: 3").contains("/api/runner/claim").contains("X-Content-SHA256");
    }

    private String aRunnerToken() throws Exception {
        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        assertThat(created.statusCode()).isEqualTo(201);
        return http.read(created, CreatedRunner.class).token();
    }

    private String artifactsOf(long jobId) {
        return jdbc.sql("select artifacts::text from jobs where id = :id").param("id", jobId).query(String.class).single();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
