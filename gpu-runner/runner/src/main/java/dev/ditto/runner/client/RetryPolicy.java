package dev.ditto.runner.client;

import java.time.Duration;

/**
 * Exponential backoff for network errors and 5xx/429 answers.
 *
 * @param maxAttempts attempts in total, the first one included
 * @param firstDelay delay after the first failure; doubled after each further one
 * @param maxDelay cap on a single delay
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {
    /** Defaults for a runner on a flaky network: 8 attempts, 0.5 s doubling up to 30 s (about 1.5 min in all). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
    public Duration delayAfter(int attempt) {
        long millis = firstDelay.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
