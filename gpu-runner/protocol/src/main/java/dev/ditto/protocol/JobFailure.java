package dev.ditto.protocol;

/**
 * {@code POST /api/runner/jobs/{id}/fail}. {@code retryable=false} means the input itself is bad
 * (corrupt, not a video): the job is parked at once instead of being retried. {@code handBack=true} means the job
 * did not fail at all: the runner is shutting down and gives it back, so it is queued again at once without using
 * an attempt (it counts as one of the job's runner losses).
 */
public record JobFailure(int attempt, String error, boolean retryable, boolean handBack) {
    /** A failure of the job itself. */
    public JobFailure(int attempt, String error, boolean retryable) {
        this(attempt, error, retryable, false);
    }
}
