package dev.ditto.jobs;

import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A job given up on (attempts used up, or a non-retryable failure), with the error a person will read. */
public record ParkedJob(long jobId, JobType type, JobPayload payload, String error, int attempts,
                        @Nullable Long sourceId, @Nullable Long sampleId, Instant parkedAt) {}
