package dev.ditto.jobs;

import static dev.ditto.jobs.JobFixtures.aProbePayload;
import static dev.ditto.jobs.JobFixtures.aRunnerName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import dev.ditto.runners.RunnerTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Many runners long-polling at once (issue 19): an arrival wakes one waiting claim of its kind, a claim that got a
 * job wakes the next, and the claims that got nothing keep waiting; a job that becomes claimable without a
 * notification (its retry back-off ended) still reaches a waiting runner.
 */
@QueueIntegrationTest
class ClaimLongPollIT {
    private static final List<JobType> PROBES = List.of(JobType.PROBE);

    @Autowired javax.sql.DataSource dataSource;
    @Autowired JobQueue queue;
    @Autowired RunnerTokens runners;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;

    final ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    final java.util.Map<Long, Long> runnerOf = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger answeredEmpty = new AtomicInteger();
    final List<Thread> waiting = new ArrayList<>();
    JobArrivals arrivals;
    ClaimLongPoll longPoll;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("delete from jobs").update();
    }

    @AfterEach
    void stopWaiting() {
        waiting.forEach(Thread::interrupt);
        arrivals.stop();
    }

    /** Waiting claims of their own, whose fallback look happens every {@code tick}. */
    private void listening(Duration tick) {
        arrivals = new JobArrivals(dataSource, tick);
        arrivals.start();
        longPoll = new ClaimLongPoll(queue, arrivals);
    }

    @Test
    void everyJobReachesOneOfManyWaitingRunnersAndTheOthersKeepWaiting() {
        listening(Duration.ofHours(1)); // no fallback look: only notifications and claims passing them on
        startWaiting(40, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.waiting() == 40);

        for (int i = 0; i < 10; i++) { // ten arrivals, ten notifications
            queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> claimed.size() == 10);
        // five in one statement: one notification, passed on from claim to claim
        jdbc.sql("""
                insert into jobs (type, payload, payload_version, priority, max_attempts, available_at, created_at)
                select type, payload, payload_version, 0, 3, available_at, created_at from jobs limit 1""").update();
        jdbc.sql("""
                insert into jobs (type, payload, payload_version, priority, max_attempts, available_at, created_at)
                select type, payload, payload_version, 0, 3, available_at, created_at from jobs, generate_series(1, 4) limit 4""")
                .update();
        await().atMost(Duration.ofSeconds(15)).until(() -> claimed.size() == 15);

        assertThat(new HashSet<>(claimed)).hasSize(15);
        await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.waiting() == 25);
        assertThat(answeredEmpty).hasValue(0);
        assertThat(jdbc.sql("select count(*) from jobs where status = 'QUEUED'").query(Long.class).single()).isZero();
    }

    @Test
    void aJobWhoseBackOffEndedReachesAWaitingRunnerWithoutANotification() {
        listening(Duration.ofMillis(500));
        startWaiting(5, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.waiting() == 5);
        long job = queue.enqueue(JobType.PROBE, aProbePayload(), 0, null, null);
        await().atMost(Duration.ofSeconds(15)).until(() -> claimed.size() == 1);
        // the attempt fails: back in the queue after the retry back-off (10 s); its notification comes too early
        queue.fail(job, runnerOf.get(job), 1, "a flaky GPU", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.waiting() == 4);

        clock.advance(Duration.ofSeconds(11)); // the back-off is over; nothing notifies
        await().atMost(Duration.ofSeconds(15)).until(() -> claimed.size() == 2);
        assertThat(claimed).containsOnly(job);
    }

    @Test
    void aWaitThatEndsWithNothingAnswersEmpty() {
        listening(Duration.ofMillis(500));
        startWaiting(3, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(15)).until(() -> answeredEmpty.get() == 3);
        assertThat(claimed).isEmpty();
    }

    private void startWaiting(int count, Duration wait) {
        for (int i = 0; i < count; i++) {
            long runner = runners.create(aRunnerName()).id();
            waiting.add(Thread.ofVirtual().start(() -> {
                try {
                    Optional<JobAssignment> job = longPoll.claim(runner, PROBES, wait, () -> true);
                    job.ifPresent(j -> runnerOf.put(j.jobId(), runner));
                    job.ifPresentOrElse(j -> claimed.add(j.jobId()), answeredEmpty::incrementAndGet);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }
}
