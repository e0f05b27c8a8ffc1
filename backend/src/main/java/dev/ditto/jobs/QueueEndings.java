package dev.ditto.jobs;

import dev.ditto.audit.AuditLog;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.ObjectMapper;

/**
 * How an attempt ends other than by completing: a runner's failure (back to the queue after a backoff, or parked),
 * an expired lease (the reaper), and a person's retry or drop of a job (audited). Parking calls the type's
 * {@link JobResultHandler#parked} handlers in the same transaction.
 */
final class QueueEndings {
    private static final Logger log = LoggerFactory.getLogger(QueueEndings.class);
    private static final int REAP_BATCH = 500;

    private final JdbcClient jdbc;
    private final TransactionOperations tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final DittoProperties.Runner runner;
    private final QueueProperties queue;
    private final Supplier<Map<JobType, List<JobResultHandler>>> handlers;
    private final @Nullable AuditLog audit;

    QueueEndings(JdbcClient jdbc, TransactionOperations tx, ObjectMapper json, Clock clock, DittoProperties.Runner runner,
                 QueueProperties queue, Supplier<Map<JobType, List<JobResultHandler>>> handlers, @Nullable AuditLog audit) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.runner = runner;
        this.queue = queue;
        this.handlers = handlers;
        this.audit = audit;
    }

    JobQueue.FailureOutcome fail(long jobId, long runnerId, int attempt, String error, boolean retryable) {
        return endAttempt(jobId, runnerId, attempt, (row, now) -> {
            String message = JobRows.truncate("attempt " + attempt + " on runner " + runnerId + ": " + error);
            countRunnerOutcome(runnerId, false);
            if (!retryable || row.attempts() >= row.maxAttempts()) {
                String why = retryable ? message + " (gave up after " + row.attempts() + " attempts)" : message + " (not retryable)";
                park(row, why, now);
                return JobQueue.FailureOutcome.PARKED;
            }
            jdbc.sql("""
                            update jobs set status = 'QUEUED', lease_expires_at = null, last_error = :error,
                                            available_at = :available, stage = null, progress = null
                             where id = :id""")
                    .param("error", message).param("available", now.plus(backoff(row.attempts()))).param("id", jobId)
                    .update();
            return JobQueue.FailureOutcome.REQUEUED;
        });
    }

    /**
     * A runner that shuts down gives its job back: queued again at once, and the attempt it used is given back too
     * ({@code max_attempts + 1}), so it counts as a runner loss, not as a failure of the job.
     */
    JobQueue.FailureOutcome handBack(long jobId, long runnerId, int attempt, String reason) {
        return endAttempt(jobId, runnerId, attempt, (row, now) -> {
            String message = JobRows.truncate("attempt " + attempt + " on runner " + runnerId + " handed back: " + reason);
            if (row.runnerLosses() >= runner.maxRunnerLosses()) {
                park(row, message + " (" + lostRunnersReason(row.runnerLosses() + 1) + ")", now);
                return JobQueue.FailureOutcome.PARKED;
            }
            jdbc.sql("""
                            update jobs set status = 'QUEUED', lease_expires_at = null, last_error = :error, available_at = :now,
                                            stage = null, progress = null, runner_losses = runner_losses + 1,
                                            max_attempts = max_attempts + 1
                             where id = :id""")
                    .param("error", message).param("now", now).param("id", jobId).update();
            return JobQueue.FailureOutcome.REQUEUED;
        });
    }

    /** The reason a job that lost {@code losses} runners is parked with. */
    private String lostRunnersReason(int losses) {
        return "lost its runner " + losses + " times, more than ditto.runner.max-runner-losses = "
                + runner.maxRunnerLosses() + ": a job that keeps killing its runners is parked";
    }

    /**
     * Ends the runner's attempt with {@code ending}, on the job's row locked, if the attempt still holds the lease;
     * a repeated report of an attempt already ended is answered {@code ALREADY_RECORDED}.
     */
    private JobQueue.FailureOutcome endAttempt(long jobId, long runnerId, int attempt,
                                               java.util.function.BiFunction<JobRows.JobRow, OffsetDateTime, JobQueue.FailureOutcome> ending) {
        JobQueue.FailureOutcome outcome = tx.execute(status -> {
            OffsetDateTime now = now();
            JobRows.JobRow row = lockedRow(jobId);
            if (row.status() != JobStatus.RUNNING || !row.heldBy(runnerId, attempt)) {
                if ((row.status() == JobStatus.QUEUED || row.status() == JobStatus.PARKED) && row.heldBy(runnerId, attempt)) {
                    return JobQueue.FailureOutcome.ALREADY_RECORDED;
                }
                throw row.lease().lost(runnerId, attempt);
            }
            return ending.apply(row, now);
        });
        return java.util.Objects.requireNonNull(outcome);
    }

    int reapExpiredLeases() {
        int total = 0;
        int batch;
        do {
            Integer reaped = tx.execute(status -> reapBatch());
            batch = reaped == null ? 0 : reaped;
            total += batch;
        } while (batch == REAP_BATCH);
        if (total > 0) {
            log.info("Returned {} job(s) with expired leases to the queue", total);
        }
        return total;
    }

    private int reapBatch() {
        OffsetDateTime now = now();
        record Reaped(JobRows.JobRow row, long owner, String error) {}
        List<Reaped> reaped = jdbc.sql("""
                        with expired as (
                            select id, lease_owner as owner from jobs
                             where status = 'RUNNING' and lease_expires_at < :now
                             order by lease_expires_at
                             limit :batch
                             for update skip locked)
                        update jobs j
                           set status = case when j.runner_losses >= :maxLosses then 'PARKED' else 'QUEUED' end,
                               lease_expires_at = null, available_at = :now, stage = null, progress = null,
                               finished_at = case when j.runner_losses >= :maxLosses then :now end,
                               runner_losses = j.runner_losses + 1, max_attempts = j.max_attempts + 1,
                               last_error = 'attempt ' || j.attempts || ' on runner ' || expired.owner
                                            || ' lost its lease: no heartbeat before '
                                            || to_char(j.lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                            || '; the runner stopped, the attempt is not counted'
                          from expired
                         where j.id = expired.id
                        returning j.id, j.type, j.status, j.payload::text, j.attempts, j.max_attempts, j.lease_owner,
                                  j.source_id, j.sample_id, j.runner_losses, expired.owner, j.last_error""")
                .param("now", now).param("batch", REAP_BATCH).param("maxLosses", runner.maxRunnerLosses())
                .query((rs, i) -> new Reaped(JobRows.row(rs), rs.getLong(11), rs.getString(12)))
                .list();
        for (Reaped r : reaped) {
            countRunnerOutcome(r.owner(), false);
            if (r.row().status() == JobStatus.PARKED) {
                String why = r.error() + " (" + lostRunnersReason(r.row().runnerLosses()) + ")";
                jdbc.sql("update jobs set last_error = :error where id = :id").param("error", JobRows.truncate(why))
                        .param("id", r.row().id()).update();
                callParked(r.row(), why, now);
            }
        }
        return reaped.size();
    }

    void retry(long jobId) {
        tx.executeWithoutResult(status -> {
            JobRows.JobRow row = lockedRow(jobId);
            if (row.status() != JobStatus.PARKED && row.status() != JobStatus.CANCELLED) {
                throw new IllegalStateException("Job " + jobId + " is " + row.status()
                        + "; only parked or dropped jobs can be retried.");
            }
            jdbc.sql("""
                            update jobs set status = 'QUEUED', max_attempts = attempts + :maxAttempts, available_at = :now, runner_losses = 0,
                                            lease_expires_at = null, finished_at = null
                             where id = :id""")
                    .param("maxAttempts", runner.maxAttempts()).param("now", now()).param("id", jobId).update();
            audit("job.retry", jobId, row.status(), JobStatus.QUEUED);
        });
    }

    void drop(long jobId) {
        tx.executeWithoutResult(status -> {
            JobRows.JobRow row = lockedRow(jobId);
            if (row.status() == JobStatus.SUCCEEDED || row.status() == JobStatus.CANCELLED) {
                throw new IllegalStateException("Job " + jobId + " is " + row.status() + "; there is nothing to drop.");
            }
            jdbc.sql("update jobs set status = 'CANCELLED', lease_expires_at = null, finished_at = :now where id = :id")
                    .param("now", now()).param("id", jobId).update();
            audit("job.drop", jobId, row.status(), JobStatus.CANCELLED);
        });
    }

    private void park(JobRows.JobRow row, String error, OffsetDateTime now) {
        jdbc.sql("""
                        update jobs set status = 'PARKED', lease_expires_at = null, last_error = :error, finished_at = :now,
                                        stage = null, progress = null
                         where id = :id""")
                .param("error", error).param("now", now).param("id", row.id()).update();
        callParked(row, error, now);
    }

    private void callParked(JobRows.JobRow row, String error, OffsetDateTime now) {
        log.warn("Parked job {} ({}) after {} attempt(s): {}", row.id(), row.type(), row.attempts(), error);
        ParkedJob parked = new ParkedJob(row.id(), row.type(), json.readValue(row.payload(), JobPayload.class), error,
                row.attempts(), row.sourceId(), row.sampleId(), now.toInstant());
        for (JobResultHandler handler : handlers.get().getOrDefault(row.type(), List.of())) {
            handler.parked(parked);
        }
    }

    private void countRunnerOutcome(long runnerId, boolean succeeded) {
        jdbc.sql(succeeded ? "update runners set jobs_done = jobs_done + 1 where id = :id"
                        : "update runners set jobs_failed = jobs_failed + 1 where id = :id")
                .param("id", runnerId).update();
    }

    private void audit(String action, long jobId, JobStatus before, JobStatus after) {
        log.info("{} on job {}: {} → {}", action, jobId, before, after);
        if (audit != null) {
            audit.record(action, "job", jobId, Map.of("status", before.name()), Map.of("status", after.name()));
        }
    }

    private Duration backoff(int attempts) {
        long seconds = (long) queue.retryBackoffSeconds() << Math.min(20, Math.max(0, attempts - 1));
        return Duration.ofSeconds(Math.min(seconds, queue.maxRetryBackoffSeconds()));
    }

    private JobRows.JobRow lockedRow(long jobId) {
        return jdbc.sql("""
                        select id, type, status, payload::text, attempts, max_attempts, lease_owner, source_id, sample_id, last_error,
                               runner_losses
                          from jobs where id = :id for update""")
                .param("id", jobId).query((rs, i) -> JobRows.row(rs)).optional()
                .orElseThrow(() -> new JobNotFoundException(jobId));
    }

    private OffsetDateTime now() {
        return JobRows.now(clock);
    }
}
