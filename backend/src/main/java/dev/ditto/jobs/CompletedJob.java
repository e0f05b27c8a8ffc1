package dev.ditto.jobs;

import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A job whose attempt a runner completed, handed to the {@link JobResultHandler}s of its type. */
public record CompletedJob(long jobId, JobType type, JobPayload payload, JobResult result, long runnerId, int attempt,
                           @Nullable Long sourceId, @Nullable Long sampleId, Instant completedAt) {}
