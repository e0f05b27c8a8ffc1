package dev.ditto.jobs;

import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The job queue: work waits here until a runner claims it under a lease, and every outcome of an attempt is
 * checked against the lease, so a job is worked on by one attempt at a time and completed at most once.
 */
public interface JobQueue {

    /** Adds a job (payload stored as JSON with its version); returns its id. Joins the caller's transaction. */
    long enqueue(JobType type, JobPayload payload, int priority, @Nullable Long sourceId, @Nullable Long sampleId);

    /** Leases the most urgent claimable job of {@code types} to the runner (attempts + 1), or none. Never waits. */
    Optional<JobAssignment> claimNext(long runnerId, List<JobType> types);

    /** Extends the lease of the runner's attempt; {@code cancel} in the answer when a person dropped the job. */
    HeartbeatAck heartbeat(long jobId, long runnerId, int attempt, @Nullable String stage, double progress);

    /** Throws {@link LeaseLostException} unless the runner holds the lease of this attempt right now. */
    void checkLease(long jobId, long runnerId, int attempt);

    /** Whether {@code blobKey} is named in the payload of a job the runner holds a lease on (its inputs). */
    boolean isInputOfLeasedJob(long runnerId, String blobKey);

    /** Records an artefact uploaded by the attempt (for the dashboard and blob garbage collection). */
    void recordArtifact(long jobId, long runnerId, int attempt, String name, String blobKey, long size);

    /**
     * Completes the attempt and calls the type's {@link JobResultHandler}s in the same transaction. A repeated
     * completion of an attempt that already completed answers {@link Completion#ALREADY_COMPLETED} and does
     * nothing; a completion from an attempt that lost its lease throws {@link LeaseLostException}.
     */
    Completion complete(long jobId, long runnerId, int attempt, JobResult result);

    /**
     * {@link #complete} and, once the attempt completed, {@link #claimNext} for the same runner: what a runner that
     * keeps working does after every job, as one call. A queue may commit both at once (one transaction, one round
     * trip); the completion keeps every guarantee of {@link #complete}, and the claim may come back empty.
     */
    default CompletionAndNext completeAndClaimNext(long jobId, long runnerId, int attempt, JobResult result,
                                                   List<JobType> types) {
        Completion completion = complete(jobId, runnerId, attempt, result);
        return new CompletionAndNext(completion, claimNext(runnerId, types));
    }

    /** Ends the attempt as failed: back to the queue after a backoff, or parked (non-retryable, or attempts used up). */
    FailureOutcome fail(long jobId, long runnerId, int attempt, String error, boolean retryable);

    /**
     * Ends the attempt because its runner shuts down: back to the queue at once, using no attempt; parked only when
     * the job has lost more runners than {@code ditto.runner.max-runner-losses}.
     */
    FailureOutcome handBack(long jobId, long runnerId, int attempt, String reason);

    /** Hands a just-claimed job back without counting the attempt (its answer could not be delivered). */
    void release(long jobId, long runnerId, int attempt);

    /**
     * Returns expired leases to the queue, using no attempt (the runner died, not the job), or parks a job that lost
     * more runners than {@code ditto.runner.max-runner-losses}; how many.
     */
    int reapExpiredLeases();

    /** Admin: queues a parked or dropped job again with a fresh set of attempts (audited). */
    void retry(long jobId);

    /** Admin: drops a job that has not succeeded; a runner working on it is told to stop (audited). */
    void drop(long jobId);

    Optional<JobView> find(long jobId);

    /** Newest first, optionally filtered. */
    List<JobView> list(@Nullable JobStatus status, @Nullable JobType type, int limit, int offset);

    QueueStats stats();

    /** A completion and the runner's next job, if one was claimed with it. */
    record CompletionAndNext(Completion completion, Optional<JobAssignment> next) {}

    /** How a completion was taken. */
    enum Completion { COMPLETED, ALREADY_COMPLETED }

    /** What a failure did to the job. */
    enum FailureOutcome { REQUEUED, PARKED, ALREADY_RECORDED }
}
