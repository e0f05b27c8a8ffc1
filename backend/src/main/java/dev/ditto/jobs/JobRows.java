package dev.ditto.jobs;

import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbeResult;
import java.util.Map;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/** Reading job rows: column mapping, and the lease state that explains why an attempt lost its lease. */
final class JobRows {
    private JobRows() {}

    static JobRow row(ResultSet rs) throws SQLException {
        return new JobRow(rs.getLong("id"), JobType.valueOf(rs.getString("type")), JobStatus.valueOf(rs.getString("status")),
                rs.getString("payload"), rs.getInt("attempts"), rs.getInt("max_attempts"), nullableLong(rs, "lease_owner"),
                nullableLong(rs, "source_id"), nullableLong(rs, "sample_id"), rs.getString("last_error"),
                rs.getInt("runner_losses"));
    }

    static JobView view(ResultSet rs, int i) throws SQLException {
        double progress = rs.getDouble("progress");
        Double p = rs.wasNull() ? null : progress;
        return new JobView(rs.getLong("id"), JobType.valueOf(rs.getString("type")), JobStatus.valueOf(rs.getString("status")),
                rs.getInt("priority"), rs.getInt("attempts"), rs.getInt("max_attempts"), nullableLong(rs, "lease_owner"),
                nullableInstant(rs, "lease_expires_at"), instant(rs, "available_at"), rs.getString("stage"), p,
                rs.getString("last_error"), nullableLong(rs, "source_id"), nullableLong(rs, "sample_id"),
                instant(rs, "created_at"), nullableInstant(rs, "started_at"), nullableInstant(rs, "finished_at"),
                rs.getInt("runner_losses"));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static @Nullable Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** The lease-relevant columns of a job, and why a given attempt no longer holds it. */
    record LeaseState(long jobId, JobStatus status, @Nullable Long owner, int attempts, @Nullable String lastError) {
        boolean heldBy(long runnerId, int attempt) {
            return owner != null && owner == runnerId && attempts == attempt;
        }

        LeaseLostException lost(long runnerId, int attempt) {
            String why;
            if (attempts != attempt) {
                why = "the job is on attempt " + attempts + " now.";
            } else if (owner == null || owner != runnerId) {
                why = "the lease belongs to " + (owner == null ? "nobody" : "runner " + owner) + ", not to runner " + runnerId + ".";
            } else {
                why = switch (status) {
                    case QUEUED -> "the lease expired and the job went back to the queue.";
                    case PARKED -> "the job was parked: " + lastError;
                    case CANCELLED -> "a person dropped the job.";
                    case SUCCEEDED -> "the job already succeeded.";
                    case RUNNING -> "the lease is held by this attempt.";
                };
            }
            return new LeaseLostException(jobId, attempt, why);
        }
    }

    /** A job row locked for an outcome. */
    record JobRow(long id, JobType type, JobStatus status, String payload, int attempts, int maxAttempts,
                          @Nullable Long owner, @Nullable Long sourceId, @Nullable Long sampleId, @Nullable String lastError,
                          int runnerLosses) {
        boolean heldBy(long runnerId, int attempt) {
            return owner != null && owner == runnerId && attempts == attempt;
        }

        LeaseState lease() {
            return new LeaseState(id, status, owner, attempts, lastError);
        }
    }

    static JobType typeOf(JobPayload payload) {
        return switch (payload) {
            case dev.ditto.protocol.ProbePayload p -> JobType.PROBE;
            case dev.ditto.protocol.GeneratePayload g -> JobType.GENERATE;
        };
    }

    static JobType typeOf(JobResult result) {
        return switch (result) {
            case ProbeResult p -> JobType.PROBE;
            case GenerateResult g -> JobType.GENERATE;
        };
    }

    static Map<String, ?> timingsOf(JobResult result) {
        return switch (result) {
            case ProbeResult p -> p.timings();
            case GenerateResult g -> g.timings();
        };
    }

    static String truncate(String error) {
        return error.length() <= 4000 ? error : error.substring(0, 4000) + "…";
    }

    static OffsetDateTime now(java.time.Clock clock) {
        return OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
    }
}
