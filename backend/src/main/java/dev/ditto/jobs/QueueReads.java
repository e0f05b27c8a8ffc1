package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The queue's read side for dashboards and admins: single jobs, listings and statistics. */
final class QueueReads {
    private final JdbcClient jdbc;
    private final Clock clock;

    QueueReads(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<JobView> find(long jobId) {
        return jdbc.sql("select * from jobs where id = :id").param("id", jobId).query(JobRows::view).optional();
    }

    List<JobView> list(@Nullable JobStatus status, @Nullable JobType type, int limit, int offset) {
        return jdbc.sql("""
                        select * from jobs
                         where (cast(:status as text) is null or status = :status) and (cast(:type as text) is null or type = :type)
                         order by id desc limit :limit offset :offset""")
                .param("status", status == null ? null : status.name())
                .param("type", type == null ? null : type.name())
                .param("limit", Math.clamp(limit, 1, 1000)).param("offset", Math.max(0, offset))
                .query(JobRows::view).list();
    }

    QueueStats stats() {
        OffsetDateTime now = JobRows.now(clock);
        Map<JobType, Map<JobStatus, Long>> counts = new EnumMap<>(JobType.class);
        jdbc.sql("select type, status, count(*) from jobs group by type, status").query(rs -> {
            counts.computeIfAbsent(JobType.valueOf(rs.getString(1)), t -> new EnumMap<>(JobStatus.class))
                    .put(JobStatus.valueOf(rs.getString(2)), rs.getLong(3));
        });
        Map<JobType, Instant> oldest = new EnumMap<>(JobType.class);
        jdbc.sql("select type, min(created_at) from jobs where status = 'QUEUED' and available_at <= :now group by type")
                .param("now", now)
                .query(rs -> {
                    oldest.put(JobType.valueOf(rs.getString(1)), JobRows.instant(rs, 2));
                });
        List<QueueStats.TypeStats> types = java.util.Arrays.stream(JobType.values())
                .map(t -> new QueueStats.TypeStats(t, counts.getOrDefault(t, Map.of()),
                        oldest.containsKey(t) ? Duration.between(oldest.get(t), now.toInstant()) : null))
                .toList();
        return new QueueStats(now.toInstant(), types);
    }
}
