package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A job as the dashboard and admins see it. {@code leaseOwner} is the runner of the latest attempt. */
public record JobView(long id, JobType type, JobStatus status, int priority, int attempts, int maxAttempts,
                      @Nullable Long leaseOwner, @Nullable Instant leaseExpiresAt, Instant availableAt,
                      @Nullable String stage, @Nullable Double progress, @Nullable String lastError,
                      @Nullable Long sourceId, @Nullable Long sampleId, Instant createdAt,
                      @Nullable Instant startedAt, @Nullable Instant finishedAt) {}
