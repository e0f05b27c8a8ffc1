package dev.ditto.overview;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The pipeline at a glance: counts by stage and status, queue depth, runners, throughput and acceptance per hour,
 * and the judge's score distribution. {@link #snapshot()} is shared by every open dashboard for a couple of seconds,
 * so many viewers refreshing cost the database one set of queries.
 */
@Service
public class PipelineCounts {
    /** A runner is alive while its last heartbeat is younger than this (Kestra's default). */
    public static final Duration ALIVE = Duration.ofSeconds(45);
    private static final Duration CACHE = Duration.ofSeconds(2);
    private static final int HOURS = 24;
    private static final int SCORE_BINS = 20;

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile @Nullable PipelineSnapshot cached;

    PipelineCounts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Everything the overview shows, at most a couple of seconds old. */
    public PipelineSnapshot snapshot() {
        PipelineSnapshot last = cached;
        Instant now = clock.instant();
        if (last != null && last.at().plus(CACHE).isAfter(now)) {
            return last;
        }
        PipelineSnapshot fresh = new PipelineSnapshot(now, sources(), clips(), jobs(), samples(), queueDepth(), runners(now),
                throughput(now), decisions(now), judgeScores());
        cached = fresh;
        return fresh;
    }

    /** Status → count for sources. */
    public Map<String, Long> sources() {
        return grouped("select status, count(*) from sources group by status order by status");
    }

    /** "TYPE STATUS" → count for jobs. */
    public Map<String, Long> jobs() {
        return grouped("select type || ' ' || status, count(*) from jobs group by type, status order by 1");
    }

    /** Status → count for samples, in pipeline order. */
    public Map<String, Long> samples() {
        Map<String, Long> found = grouped("select status, count(*) from samples group by status");
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String status : PipelineSnapshot.SAMPLE_STAGES) {
            ordered.put(status, found.getOrDefault(status, 0L));
        }
        found.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** Number of normalised clips cut from sources. */
    public long clips() {
        return jdbc.sql("select count(*) from source_assets where kind = 'CLIP'").query(Long.class).single();
    }

    /** Job type → jobs waiting to be claimed. */
    public Map<String, Long> queueDepth() {
        Map<String, Long> depth = new LinkedHashMap<>();
        depth.put("PROBE", 0L);
        depth.put("GENERATE", 0L);
        depth.putAll(grouped("select type, count(*) from jobs where status = 'QUEUED' group by type order by type"));
        return depth;
    }

    private List<PipelineSnapshot.RunnerStatus> runners(Instant now) {
        return jdbc.sql("""
                select r.id, r.name, r.host, r.version, r.last_seen_at, r.jobs_done, r.jobs_failed,
                       (select count(*) from jobs j where j.status = 'RUNNING' and j.lease_owner = r.id) as running
                from runners r where r.revoked_at is null order by r.last_seen_at desc nulls last, r.id""")
                .query((rs, i) -> {
                    Timestamp seen = rs.getTimestamp(5);
                    Instant lastSeen = seen == null ? null : seen.toInstant();
                    boolean alive = lastSeen != null && lastSeen.plus(ALIVE).isAfter(now);
                    long running = rs.getLong(8);
                    return new PipelineSnapshot.RunnerStatus(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            alive, running > 0, running, lastSeen, rs.getLong(6), rs.getLong(7));
                })
                .list();
    }

    private List<PipelineSnapshot.HourCount> throughput(Instant now) {
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(HOURS - 1, ChronoUnit.HOURS);
        Map<Instant, long[]> hours = hours(from, 1);
        jdbc.sql("""
                select date_trunc('hour', finished_at, 'UTC'), count(*) from jobs
                where type = 'GENERATE' and status = 'SUCCEEDED' and finished_at >= :from group by 1""")
                .param("from", Timestamp.from(from))
                .query((rs, i) -> add(hours, rs.getTimestamp(1), 0, rs.getLong(2))).list();
        List<PipelineSnapshot.HourCount> out = new ArrayList<>();
        hours.forEach((hour, v) -> out.add(new PipelineSnapshot.HourCount(hour, v[0])));
        return out;
    }

    private List<PipelineSnapshot.HourDecisions> decisions(Instant now) {
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(HOURS - 1, ChronoUnit.HOURS);
        Map<Instant, long[]> hours = hours(from, 3);
        jdbc.sql("""
                select date_trunc('hour', decided_at, 'UTC'), status, count(*) from samples
                where status in ('ACCEPTED', 'REJECTED') and decided_at >= :from group by 1, 2
                union all
                select date_trunc('hour', updated_at, 'UTC'), status, count(*) from samples
                where status = 'AUTO_REJECTED' and updated_at >= :from group by 1, 2""")
                .param("from", Timestamp.from(from))
                .query((rs, i) -> add(hours, rs.getTimestamp(1), switch (rs.getString(2)) {
                    case "ACCEPTED" -> 0;
                    case "REJECTED" -> 1;
                    default -> 2;
                }, rs.getLong(3))).list();
        List<PipelineSnapshot.HourDecisions> out = new ArrayList<>();
        hours.forEach((hour, v) -> out.add(new PipelineSnapshot.HourDecisions(hour, v[0], v[1], v[2])));
        return out;
    }

    private List<PipelineSnapshot.ScoreBin> judgeScores() {
        long[][] bins = new long[SCORE_BINS][2];
        jdbc.sql("""
                select least(width_bucket(judge_score, 0, 1, :bins), :bins), status = 'AUTO_REJECTED', count(*)
                from samples where judge_score is not null group by 1, 2""")
                .param("bins", SCORE_BINS)
                .query((rs, i) -> {
                    int bin = Math.max(1, rs.getInt(1)) - 1;
                    bins[bin][rs.getBoolean(2) ? 1 : 0] += rs.getLong(3);
                    return bin;
                }).list();
        List<PipelineSnapshot.ScoreBin> out = new ArrayList<>();
        for (int i = 0; i < SCORE_BINS; i++) {
            out.add(new PipelineSnapshot.ScoreBin((double) i / SCORE_BINS, (double) (i + 1) / SCORE_BINS, bins[i][0], bins[i][1]));
        }
        return out;
    }

    private static Map<Instant, long[]> hours(Instant from, int width) {
        Map<Instant, long[]> hours = new LinkedHashMap<>();
        for (int h = 0; h < HOURS; h++) {
            hours.put(from.plus(h, ChronoUnit.HOURS), new long[width]);
        }
        return hours;
    }

    private static boolean add(Map<Instant, long[]> hours, Timestamp hour, int index, long count) {
        long[] slot = hours.get(hour.toInstant());
        if (slot != null) {
            slot[index] += count;
        }
        return slot != null;
    }

    private Map<String, Long> grouped(String sql) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql(sql).query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }
}
