package dev.ditto.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the job queue under {@code ditto.queue.*} (leases and attempts are {@code ditto.runner.*}).
 *
 * @param retryBackoffSeconds    wait before the first retry of a failed attempt; doubles per attempt
 * @param maxRetryBackoffSeconds the longest wait before a retry
 * @param reaperIntervalMs       how often expired leases are returned to the queue
 * @param claimPollMs            how often one waiting claim of each kind looks again without a notification (jobs whose
 *                               retry back-off ended, notifications missed while not listening)
 */
@ConfigurationProperties("ditto.queue")
public record QueueProperties(@DefaultValue("10") int retryBackoffSeconds,
                              @DefaultValue("600") int maxRetryBackoffSeconds,
                              @DefaultValue("5000") long reaperIntervalMs,
                              @DefaultValue("2000") long claimPollMs) {

    /** The defaults, for code that runs without Spring (the benchmark). */
    public static QueueProperties defaults() {
        return new QueueProperties(10, 600, 5000, 2000);
    }
}
