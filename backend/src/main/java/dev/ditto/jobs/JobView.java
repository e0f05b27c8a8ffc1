package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A job as the dashboard and admins see it. {@code leaseOwner} is the runner of the latest attempt. {@code attempts}
 * counts every claim; {@code maxAttempts} grows by one with each of {@code runnerLosses} (a runner that died or
 * handed the job back), so only the job's own failures use up its attempts.
 */
public record JobView(long id, JobType type, JobStatus status, int priority, int attempts, int maxAttempts,
                      @Nullable Long leaseOwner, @Nullable Instant leaseExpiresAt, Instant availableAt,
                      @Nullable String stage, @Nullable Double progress, @Nullable String lastError,
                      @Nullable Long sourceId, @Nullable Long sampleId, Instant createdAt,
                      @Nullable Instant startedAt, @Nullable Instant finishedAt, int runnerLosses) {}
