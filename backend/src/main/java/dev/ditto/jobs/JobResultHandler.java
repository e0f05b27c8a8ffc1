package dev.ditto.jobs;

import dev.ditto.protocol.JobType;

/**
 * Turns a finished job of one type into domain rows (PROBE → source assets, GENERATE → sample artefacts).
 *
 * <p>Both callbacks run inside the queue's transaction that changes the job's status, so the domain rows and
 * the job's new status commit together or not at all; each is called exactly once per job outcome (a repeated
 * completion of the same attempt never calls {@link #completed} again). A handler must not open its own
 * transaction or call back into the queue. Throwing {@link InvalidResultException} from {@link #completed}
 * refuses the result (the runner gets HTTP 422 and the job stays leased); any other exception rolls back too
 * and answers HTTP 500. Every handler registered for a type is called, in {@code @Order}.
 */
public interface JobResultHandler {

    /** The job type this handler understands. */
    JobType type();

    /** A runner completed the job successfully. */
    void completed(CompletedJob job);

    /** The job was parked: it failed too often, or its input is bad. */
    void parked(ParkedJob job);
}
