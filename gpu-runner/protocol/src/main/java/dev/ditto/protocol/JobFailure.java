package dev.ditto.protocol;

/**
 * {@code POST /api/runner/jobs/{id}/fail}. {@code retryable=false} means the input itself is bad
 * (corrupt, not a video): the job is parked at once instead of being retried.
 */
public record JobFailure(int attempt, String error, boolean retryable) {}
