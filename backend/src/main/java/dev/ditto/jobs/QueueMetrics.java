package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue gauges for dashboards and autoscalers: {@code ditto.queue.depth{type}} (jobs waiting to be claimed) and
 * {@code ditto.queue.oldest.age{type}} (seconds the oldest claimable job has waited). One statistics query
 * serves all gauges for a few seconds, however often they are scraped.
 */
public final class QueueMetrics {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    private static final long MAX_AGE_NANOS = Duration.ofSeconds(5).toNanos();

    private final JobQueue queue;
    private @Nullable QueueStats cached;
    private long cachedAt;

    public QueueMetrics(JobQueue queue, MeterRegistry registry) {
        this.queue = queue;
        for (JobType type : JobType.values()) {
            Gauge.builder("ditto.queue.depth", this, m -> m.depth(type))
                    .tag("type", type.name())
                    .description("Jobs waiting to be claimed")
                    .register(registry);
            Gauge.builder("ditto.queue.oldest.age", this, m -> m.oldestAgeSeconds(type))
                    .tag("type", type.name())
                    .baseUnit("seconds")
                    .description("How long the oldest claimable job has waited")
                    .register(registry);
        }
    }

    double depth(JobType type) {
        QueueStats stats = stats();
        return stats == null ? Double.NaN : stats.depth(type);
    }

    double oldestAgeSeconds(JobType type) {
        QueueStats stats = stats();
        if (stats == null) {
            return Double.NaN;
        }
        return stats.types().stream().filter(t -> t.type() == type).findFirst()
                .map(t -> t.oldestQueuedAge() == null ? 0.0 : t.oldestQueuedAge().toMillis() / 1000.0)
                .orElse(0.0);
    }

    private synchronized @Nullable QueueStats stats() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAt > MAX_AGE_NANOS) {
            try {
                cached = queue.stats();
                cachedAt = now;
            } catch (RuntimeException e) {
                log.warn("Reading queue statistics for the metrics failed: {}", e.getMessage());
                return null;
            }
        }
        return cached;
    }
}
