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
        JobQueue.FailureOutcome outcome = tx.execute(status -> {
            OffsetDateTime now = now();
            JobRows.JobRow row = lockedRow(jobId);
            if (row.status() != JobStatus.RUNNING || !row.heldBy(runnerId, attempt)) {
                if ((row.status() == JobStatus.QUEUED || row.status() == JobStatus.PARKED) && row.heldBy(runnerId, attempt)) {
                    return JobQueue.FailureOutcome.ALREADY_RECORDED;
                }
                throw row.lease().lost(runnerId, attempt);
            }
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
                           set status = case when j.attempts >= j.max_attempts then 'PARKED' else 'QUEUED' end,
                               lease_expires_at = null, available_at = :now, stage = null, progress = null,
                               finished_at = case when j.attempts >= j.max_attempts then :now end,
                               last_error = 'attempt ' || j.attempts || ' on runner ' || expired.owner
                                            || ' lost its lease: no heartbeat before '
                                            || to_char(j.lease_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                          from expired
                         where j.id = expired.id
                        returning j.id, j.type, j.status, j.payload::text, j.attempts, j.max_attempts, j.lease_owner,
                                  j.source_id, j.sample_id, expired.owner, j.last_error""")
                .param("now", now).param("batch", REAP_BATCH)
                .query((rs, i) -> new Reaped(JobRows.row(rs), rs.getLong(10), rs.getString(11)))
                .list();
        for (Reaped r : reaped) {
            countRunnerOutcome(r.owner(), false);
            if (r.row().status() == JobStatus.PARKED) {
                callParked(r.row(), r.error() + " (gave up after " + r.row().attempts() + " attempts)", now);
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
                            update jobs set status = 'QUEUED', max_attempts = attempts + :maxAttempts, available_at = :now,
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
                        select id, type, status, payload::text, attempts, max_attempts, lease_owner, source_id, sample_id, last_error
                          from jobs where id = :id for update""")
                .param("id", jobId).query((rs, i) -> JobRows.row(rs)).optional()
                .orElseThrow(() -> new JobNotFoundException(jobId));
    }

    private OffsetDateTime now() {
        return JobRows.now(clock);
    }
}
