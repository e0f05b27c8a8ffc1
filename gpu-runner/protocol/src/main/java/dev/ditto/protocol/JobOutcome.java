package dev.ditto.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Answer to {@code complete} and {@code fail}: what the queue did ({@code COMPLETED}, {@code ALREADY_COMPLETED},
 * {@code REQUEUED}, {@code PARKED}, {@code ALREADY_RECORDED}) and, for a completion that asked for it, the runner's
 * next job.
 */
public record JobOutcome(long jobId, int attempt, String outcome, @Nullable JobAssignment next) {}
