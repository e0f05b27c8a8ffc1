package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Job counts by type and status, and how long the oldest claimable job has waited, at {@code at}. */
public record QueueStats(Instant at, List<TypeStats> types) {
    public QueueStats {
        types = List.copyOf(types);
    }

    /** One job type's counts; {@code oldestQueuedAge} is null when nothing of the type waits. */
    public record TypeStats(JobType type, Map<JobStatus, Long> counts, @Nullable Duration oldestQueuedAge) {
        public TypeStats {
            counts = Map.copyOf(counts);
        }

        public long count(JobStatus status) {
            return counts.getOrDefault(status, 0L);
        }
    }

    /** Jobs of {@code type} waiting to be claimed (the autoscaling signal). */
    public long depth(JobType type) {
        return types.stream().filter(t -> t.type() == type).mapToLong(t -> t.count(JobStatus.QUEUED)).sum();
    }
}
