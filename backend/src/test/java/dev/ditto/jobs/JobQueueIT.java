package dev.ditto.jobs;

import static dev.ditto.jobs.JobFixtures.aProbePayload;
import static dev.ditto.jobs.JobFixtures.aProbeResult;
import static dev.ditto.jobs.JobFixtures.aRunnerName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import dev.ditto.runners.RunnerTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@QueueIntegrationTest
class JobQueueIT {
    private static final List<JobType> PROBES = List.of(JobType.PROBE);

    @Autowired JobQueue queue;
    @Autowired RunnerTokens runners;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;
    @Autowired DittoProperties properties;
    @Autowired QueueTestConfiguration.RecordingHandler handler;
    @Autowired MeterRegistry meters;

    long runnerA;
    long runnerB;

    @BeforeEach
    void emptyQueueAndTwoRunners() {
        jdbc.sql("delete from jobs").update();
        runnerA = runners.create(aRunnerName()).id();
        runnerB = runners.create(aRunnerName()).id();
    }

    @Test
    void claimLeasesTheMostUrgentJobAndCountsTheAttempt() {
        long low = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        long high = queue.enqueue(JobType.PROBE, aProbePayload(), 10, null, null);

        JobAssignment first = queue.claimNext(runnerA, PROBES).orElseThrow();
        JobAssignment second = queue.claimNext(runnerA, PROBES).orElseThrow();

        assertThat(first.jobId()).isEqualTo(high);
        assertThat(second.jobId()).isEqualTo(low);
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(first.leaseExpiresAt()).isEqualTo(clock.instant().plusSeconds(properties.runner().leaseSeconds()));
        assertThat(first.payload()).isInstanceOf(dev.ditto.protocol.ProbePayload.class);
        assertThat(queue.claimNext(runnerA, PROBES)).isEmpty();
        assertThat(queue.find(high).orElseThrow()).satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(job.leaseOwner()).isEqualTo(runnerA);
        });
    }

    @Test
    void claimOnlyTakesTheWantedTypes() {
        queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);

        assertThat(queue.claimNext(runnerA, List.of(JobType.GENERATE))).isEmpty();
        assertThat(queue.claimNext(runnerA, PROBES)).isPresent();
    }

    @Test
    void expiredLeaseReturnsJobToQueue() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() - 1));
        assertThat(queue.reapExpiredLeases()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(queue.reapExpiredLeases()).isEqualTo(1);

        JobView job = queue.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.lastError()).contains("attempt 1").contains("lost its lease");
        JobAssignment again = queue.claimNext(runnerB, PROBES).orElseThrow();
        assertThat(again.jobId()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(lease.attempt() + 1);
    }

    @Test
    void heartbeatExtendsTheLease() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() - 5));
        HeartbeatAck ack = queue.heartbeat(id, runnerA, lease.attempt(), "decode", 0.5);
        clock.advance(Duration.ofSeconds(10));

        assertThat(ack.cancel()).isFalse();
        assertThat(ack.leaseExpiresAt()).isAfter(lease.leaseExpiresAt());
        assertThat(queue.reapExpiredLeases()).isZero();
        assertThat(queue.find(id).orElseThrow()).satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(job.stage()).isEqualTo("decode");
            assertThat(job.progress()).isEqualTo(0.5);
        });
    }

    @Test
    void twoRunnersNeverHoldTheSameJob() throws Exception {
        int jobs = 300;
        for (int i = 0; i < jobs; i++) {
            queue.enqueue(JobType.PROBE, aProbePayload(), i % 3, null, null);
        }
        List<Long> runnerIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            runnerIds.add(runners.create(aRunnerName()).id());
        }
        ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(runnerIds.size());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (long runner : runnerIds) {
                workers.add(pool.submit(() -> {
                    start.await();
                    Optional<JobAssignment> job;
                    while ((job = queue.claimNext(runner, PROBES)).isPresent()) {
                        claimed.add(job.get().jobId());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }

        Set<Long> distinct = new HashSet<>(claimed);
        assertThat(claimed).hasSize(jobs);
        assertThat(distinct).hasSize(jobs);
        assertThat(jdbc.sql("select count(*) from jobs where status = 'RUNNING' and attempts = 1").query(Long.class).single())
                .isEqualTo(jobs);
    }

    @Test
    void completionAfterLeaseLostIsRefused() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();
        clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() + 1));
        queue.reapExpiredLeases();

        assertThatThrownBy(() -> queue.complete(id, runnerA, lease.attempt(), aProbeResult()))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("lease expired");
        assertThatThrownBy(() -> queue.heartbeat(id, runnerA, lease.attempt(), "encode", 0.9))
                .isInstanceOf(LeaseLostException.class);
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(handler.completionsOf(id)).isZero();
    }

    @Test
    void repeatedCompletionIsIdempotent() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        JobQueue.Completion first = queue.complete(id, runnerA, lease.attempt(), aProbeResult());
        JobQueue.Completion second = queue.complete(id, runnerA, lease.attempt(), aProbeResult());

        assertThat(first).isEqualTo(JobQueue.Completion.COMPLETED);
        assertThat(second).isEqualTo(JobQueue.Completion.ALREADY_COMPLETED);
        assertThat(handler.completionsOf(id)).isEqualTo(1);
        assertThat(runners.find(runnerA).orElseThrow().jobsDone()).isEqualTo(1);
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThatThrownBy(() -> queue.complete(id, runnerB, lease.attempt(), aProbeResult()))
                .isInstanceOf(LeaseLostException.class);
    }

    @Test
    void completionCarriesTheRunnersNextJobClaimedInTheSameTransaction() {
        long first = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        long second = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        JobQueue.CompletionAndNext done = queue.completeAndClaimNext(first, runnerA, lease.attempt(), aProbeResult(), PROBES);

        assertThat(done.completion()).isEqualTo(JobQueue.Completion.COMPLETED);
        assertThat(done.next()).hasValueSatisfying(next -> {
            assertThat(next.jobId()).isEqualTo(second);
            assertThat(next.attempt()).isEqualTo(1);
        });
        assertThat(queue.find(first).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(queue.find(second).orElseThrow()).satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(job.leaseOwner()).isEqualTo(runnerA);
        });
        assertThat(handler.completionsOf(first)).isEqualTo(1);
        // nothing left: the completion still counts, the runner long-polls next
        JobQueue.CompletionAndNext last = queue.completeAndClaimNext(second, runnerA, 1, aProbeResult(), PROBES);
        assertThat(last.completion()).isEqualTo(JobQueue.Completion.COMPLETED);
        assertThat(last.next()).isEmpty();
    }

    @Test
    void aRepeatedOrRefusedCompletionClaimsNothing() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        long waiting = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();
        queue.complete(id, runnerA, lease.attempt(), aProbeResult());

        JobQueue.CompletionAndNext repeat = queue.completeAndClaimNext(id, runnerA, lease.attempt(), aProbeResult(), PROBES);
        assertThatThrownBy(() -> queue.completeAndClaimNext(id, runnerB, lease.attempt(), aProbeResult(), PROBES))
                .isInstanceOf(LeaseLostException.class);

        assertThat(repeat.completion()).isEqualTo(JobQueue.Completion.ALREADY_COMPLETED);
        assertThat(repeat.next()).isEmpty();
        assertThat(queue.find(waiting).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(handler.completionsOf(id)).isEqualTo(1);
    }

    @Test
    void failedAttemptIsRetriedAfterBackoff() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        JobQueue.FailureOutcome outcome = queue.fail(id, runnerA, lease.attempt(), "GPU out of memory", true);

        assertThat(outcome).isEqualTo(JobQueue.FailureOutcome.REQUEUED);
        assertThat(queue.fail(id, runnerA, lease.attempt(), "GPU out of memory", true))
                .isEqualTo(JobQueue.FailureOutcome.ALREADY_RECORDED);
        assertThat(queue.claimNext(runnerB, PROBES)).as("still backing off").isEmpty();
        clock.advance(Duration.ofSeconds(11));
        assertThat(queue.claimNext(runnerB, PROBES)).get().satisfies(a -> assertThat(a.attempt()).isEqualTo(2));
        assertThat(queue.find(id).orElseThrow().lastError()).contains("GPU out of memory");
        assertThat(runners.find(runnerA).orElseThrow().jobsFailed()).isEqualTo(1);
    }

    @Test
    void jobIsParkedAfterMaxAttempts() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        int max = properties.runner().maxAttempts();
        JobQueue.FailureOutcome last = null;
        for (int i = 1; i <= max; i++) {
            JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();
            assertThat(lease.attempt()).isEqualTo(i);
            last = queue.fail(id, runnerA, lease.attempt(), "decoder crashed", true);
            clock.advance(Duration.ofHours(1));
        }

        assertThat(last).isEqualTo(JobQueue.FailureOutcome.PARKED);
        JobView job = queue.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.PARKED);
        assertThat(job.lastError()).contains("decoder crashed").contains("gave up after " + max + " attempts");
        assertThat(queue.claimNext(runnerA, PROBES)).isEmpty();
        assertThat(handler.parkingsOf(id)).isEqualTo(1);
    }

    @Test
    void runnerLossesUseNoAttemptAJobThatLostThreeLeasesAndWasHandedBackTwiceStillSucceeds() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        for (int i = 0; i < 3; i++) {
            queue.claimNext(runnerA, PROBES).orElseThrow();
            clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() + 1));
            assertThat(queue.reapExpiredLeases()).isEqualTo(1);
        }
        for (int i = 0; i < 2; i++) {
            JobAssignment lease = queue.claimNext(runnerB, PROBES).orElseThrow();
            assertThat(queue.handBack(id, runnerB, lease.attempt(), "runner b shut down before the job finished"))
                    .isEqualTo(JobQueue.FailureOutcome.REQUEUED);
            assertThat(queue.handBack(id, runnerB, lease.attempt(), "runner b shut down before the job finished"))
                    .as("a repeated hand-back").isEqualTo(JobQueue.FailureOutcome.ALREADY_RECORDED);
        }
        JobView requeued = queue.find(id).orElseThrow();
        assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(requeued.runnerLosses()).isEqualTo(5);
        assertThat(requeued.maxAttempts() - requeued.runnerLosses()).as("attempts left for the job's own failures")
                .isEqualTo(properties.runner().maxAttempts());
        assertThat(requeued.lastError()).contains("handed back");

        JobAssignment last = queue.claimNext(runnerA, PROBES).orElseThrow();
        assertThat(last.attempt()).as("the attempt number still names each lease").isEqualTo(6);
        assertThat(queue.complete(id, runnerA, last.attempt(), aProbeResult())).isEqualTo(JobQueue.Completion.COMPLETED);
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(handler.parkingsOf(id)).isZero();
    }

    @Test
    void theJobsOwnFailuresStillUseItsAttemptsBetweenRunnerLosses() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        int max = properties.runner().maxAttempts();
        JobQueue.FailureOutcome last = null;
        for (int i = 1; i <= max; i++) {
            queue.claimNext(runnerA, PROBES).orElseThrow();
            clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() + 1));
            queue.reapExpiredLeases();
            JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();
            last = queue.fail(id, runnerA, lease.attempt(), "decoder crashed", true);
            clock.advance(Duration.ofHours(1));
        }

        assertThat(last).isEqualTo(JobQueue.FailureOutcome.PARKED);
        assertThat(queue.find(id).orElseThrow().lastError()).contains("decoder crashed");
    }

    @Test
    void aJobThatKeepsLosingItsRunnersIsParkedSayingSo() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        int cap = properties.runner().maxRunnerLosses();
        for (int i = 1; i <= cap + 1; i++) {
            queue.claimNext(runnerA, PROBES).orElseThrow();
            clock.advance(Duration.ofSeconds(properties.runner().leaseSeconds() + 1));
            queue.reapExpiredLeases();
            assertThat(queue.find(id).orElseThrow().status()).as("after runner loss %d", i)
                    .isEqualTo(i <= cap ? JobStatus.QUEUED : JobStatus.PARKED);
        }

        assertThat(queue.find(id).orElseThrow().lastError()).contains("lost its lease")
                .contains("lost its runner " + (cap + 1) + " times").contains("ditto.runner.max-runner-losses");
        assertThat(handler.parked).anySatisfy(p -> {
            assertThat(p.jobId()).isEqualTo(id);
            assertThat(p.error()).contains("keeps killing its runners");
        });

        queue.retry(id);
        assertThat(queue.find(id).orElseThrow().runnerLosses()).as("a person's retry starts the count again").isZero();
    }

    @Test
    void nonRetryableFailureParksAtOnce() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        JobQueue.FailureOutcome outcome = queue.fail(id, runnerA, lease.attempt(), "not a video: no stream found", false);

        assertThat(outcome).isEqualTo(JobQueue.FailureOutcome.PARKED);
        JobView job = queue.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.PARKED);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.lastError()).contains("not a video").contains("not retryable");
        assertThat(handler.parked).anySatisfy(p -> {
            assertThat(p.jobId()).isEqualTo(id);
            assertThat(p.error()).contains("not a video");
        });
    }

    @Test
    void parkedJobCanBeRetriedWithFreshAttempts() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();
        queue.fail(id, runnerA, lease.attempt(), "bad input", false);

        queue.retry(id);

        JobAssignment again = queue.claimNext(runnerB, PROBES).orElseThrow();
        assertThat(again.jobId()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(queue.find(id).orElseThrow().maxAttempts()).isEqualTo(1 + properties.runner().maxAttempts());
        assertThat(auditActions(id)).contains("job.retry");
        assertThatThrownBy(() -> queue.retry(id)).isInstanceOf(IllegalStateException.class).hasMessageContaining("RUNNING");
    }

    @Test
    void droppedJobTellsItsRunnerToStop() {
        long id = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        JobAssignment lease = queue.claimNext(runnerA, PROBES).orElseThrow();

        queue.drop(id);

        assertThat(queue.heartbeat(id, runnerA, lease.attempt(), "edit", 0.2).cancel()).isTrue();
        assertThatThrownBy(() -> queue.complete(id, runnerA, lease.attempt(), aProbeResult()))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("dropped");
        assertThat(queue.find(id).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(auditActions(id)).contains("job.drop");
    }

    @Test
    void statisticsCountJobsByTypeAndStatusAndFeedTheDepthGauge() {
        queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        queue.claimNext(runnerA, PROBES).orElseThrow();
        clock.advance(Duration.ofSeconds(30));

        QueueStats stats = queue.stats();

        QueueStats.TypeStats probes = stats.types().stream().filter(t -> t.type() == JobType.PROBE).findFirst().orElseThrow();
        assertThat(probes.count(JobStatus.QUEUED)).isEqualTo(2);
        assertThat(probes.count(JobStatus.RUNNING)).isEqualTo(1);
        assertThat(probes.oldestQueuedAge()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(stats.depth(JobType.GENERATE)).isZero();
        assertThat(meters.get("ditto.queue.depth").tag("type", "PROBE").gauge()).isNotNull();
    }

    private List<String> auditActions(long jobId) {
        return jdbc.sql("select action from audit_log where entity = 'job' and entity_id = :id order by id")
                .param("id", String.valueOf(jobId)).query(String.class).list();
    }
}
