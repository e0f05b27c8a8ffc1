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
 * so many viewers refreshing cost the database one set of queries, computed by one of them while the others are
 * answered the last one.
 *
 * <p>Every figure is an aggregate computed in PostgreSQL, whatever the number of runners, jobs and samples: the
 * runners are counted ({@link PipelineSnapshot.Fleet}), and only the {@value #RECENT_RUNNERS} most recently heard from
 * are read as rows; further rows are read a page at a time ({@link #runners(int, int)}), each with the jobs it runs.
 */
@Service
public class PipelineCounts {
    /** A runner is alive while its last heartbeat is younger than this (Kestra's default). */
    public static final Duration ALIVE = Duration.ofSeconds(45);
    /** Runner rows kept with each snapshot: the first page of the overview's runner list. */
    public static final int RECENT_RUNNERS = 50;
    private static final Duration CACHE = Duration.ofSeconds(2);
    private static final int HOURS = 24;
    private static final int SCORE_BINS = 20;

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile @Nullable PipelineSnapshot cached;
    private final Object refreshing = new Object();

    PipelineCounts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Everything the overview shows, at most a couple of seconds old. */
    public PipelineSnapshot snapshot() {
        PipelineSnapshot last = cached;
        if (last != null && fresh(last)) {
            return last;
        }
        synchronized (refreshing) { // one viewer computes it; the others wait for that one instead of querying too
            last = cached;
            if (last != null && fresh(last)) {
                return last;
            }
            Instant now = clock.instant();
            PipelineSnapshot made = new PipelineSnapshot(now, sources(), clips(), jobs(), samples(), queueDepth(), fleet(now),
                    runnerRows(now, 0, RECENT_RUNNERS), throughput(now), decisions(now), judgeScores());
            cached = made;
            return made;
        }
    }

    private boolean fresh(PipelineSnapshot snapshot) {
        return snapshot.at().plus(CACHE).isAfter(clock.instant());
    }

    /**
     * Runners (not revoked), most recently heard from first, {@code limit} of them from {@code offset}: the first
     * {@value #RECENT_RUNNERS} from the shared snapshot, further ones from PostgreSQL.
     */
    public List<PipelineSnapshot.RunnerStatus> runners(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit are 0 or more");
        }
        PipelineSnapshot s = snapshot();
        List<PipelineSnapshot.RunnerStatus> recent = s.recentRunners();
        if (offset + limit <= recent.size() || recent.size() < RECENT_RUNNERS) { // within the first page, or that is all
            return recent.subList(Math.min(offset, recent.size()), Math.min(offset + limit, recent.size()));
        }
        return runnerRows(clock.instant(), offset, limit);
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

    /** The runners counted in PostgreSQL: one pass over the runners (not revoked) and one over the running jobs. */
    private PipelineSnapshot.Fleet fleet(Instant now) {
        Timestamp aliveSince = Timestamp.from(now.minus(ALIVE));
        return jdbc.sql("""
                        select (select count(*) from runners where revoked_at is null),
                               (select count(*) from runners where revoked_at is null and last_seen_at > :alive),
                               (select count(*) from runners where revoked_at is null and last_seen_at is null),
                               count(distinct j.lease_owner), count(*)
                        from jobs j join runners r on r.id = j.lease_owner and r.revoked_at is null
                        where j.status = 'RUNNING'""")
                .param("alive", aliveSince)
                .query((rs, i) -> new PipelineSnapshot.Fleet(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5)))
                .single();
    }

    /** One page of runners (most recently heard from first) with the jobs each one runs, counted for that page only. */
    private List<PipelineSnapshot.RunnerStatus> runnerRows(Instant now, int offset, int limit) {
        return jdbc.sql("""
                with page as (select id, name, host, version, last_seen_at, jobs_done, jobs_failed from runners
                              where revoked_at is null order by last_seen_at desc nulls last, id limit :limit offset :offset),
                     running as (select lease_owner, count(*) as running from jobs
                                 where status = 'RUNNING' and lease_owner in (select id from page) group by lease_owner)
                select p.id, p.name, p.host, p.version, p.last_seen_at, p.jobs_done, p.jobs_failed,
                       coalesce(j.running, 0) as running
                from page p left join running j on j.lease_owner = p.id
                order by p.last_seen_at desc nulls last, p.id""")
                .param("limit", limit).param("offset", offset)
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
