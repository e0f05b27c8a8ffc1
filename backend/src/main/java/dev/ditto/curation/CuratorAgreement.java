package dev.ditto.curation;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Agreement per curator: how often each one's accept/reject matches the other curators' on the same samples (double
 * review) and the judge's verdict, as a percentage and Cohen's kappa. Undone decisions and skips don't count.
 */
@Service
public class CuratorAgreement {
    private final JdbcClient jdbc;
    private final CurationProperties properties;
    private final Clock clock;

    CuratorAgreement(JdbcClient jdbc, CurationProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * One curator's figures for one day (UTC): their decisions in force made that day, of them accepts, how those
     * compare with other curators' decisions on the same samples (percent and kappa), how many of their acceptances
     * a lead's re-check overturned (counted on the day of the overturn) and how many of their reviews went to a lead
     * because they disagreed (on the day the adjudication opened).
     */
    public record Day(String curator, LocalDate day, long decisions, long accepted, long curatorPairs,
                      @Nullable Double curatorPercent, @Nullable Double curatorKappa, long overturned, long adjudicated) {}

    /** Every curator's days with any of those figures over the last {@code days} days (1–366), oldest first. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Day> overTime(int days) {
        if (days < 1 || days > 366) {
            throw new IllegalArgumentException("'days' is how far back to look: 1 to 366, not " + days + ".");
        }
        LocalDate today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
        Timestamp since = Timestamp.from(today.minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant());
        record Key(String curator, LocalDate day) {}
        Map<Key, long[]> counts = new TreeMap<>(java.util.Comparator.comparing(Key::day).thenComparing(Key::curator,
                String.CASE_INSENSITIVE_ORDER));
        jdbc.sql("""
                select u.username, cast(r.created_at at time zone 'UTC' as date), count(*), count(*) filter (where r.decision = 'ACCEPT')
                from reviews r join users u on u.id = r.reviewer_id
                where r.undone_at is null and r.decision <> 'SKIP' and r.created_at >= :since group by 1, 2""")
                .param("since", since)
                .query(rs -> {
                    long[] c = counts.computeIfAbsent(new Key(rs.getString(1), rs.getObject(2, LocalDate.class)), k -> new long[4]);
                    c[0] = rs.getLong(3);
                    c[1] = rs.getLong(4);
                });
        jdbc.sql("""
                select u.username, cast(c.decided_at at time zone 'UTC' as date), count(*)
                from rechecks c join users u on u.id = any(c.curator_ids)
                where c.outcome = 'OVERTURNED' and c.decided_at >= :since group by 1, 2""")
                .param("since", since)
                .query(rs -> {
                    counts.computeIfAbsent(new Key(rs.getString(1), rs.getObject(2, LocalDate.class)), k -> new long[4])[2] = rs.getLong(3);
                });
        jdbc.sql("""
                select u.username, cast(a.opened_at at time zone 'UTC' as date), count(*)
                from adjudications a join reviews r on r.sample_id = a.sample_id and r.undone_at is null and r.decision <> 'SKIP'
                join users u on u.id = r.reviewer_id
                where a.opened_at >= :since group by 1, 2""")
                .param("since", since)
                .query(rs -> {
                    counts.computeIfAbsent(new Key(rs.getString(1), rs.getObject(2, LocalDate.class)), k -> new long[4])[3] = rs.getLong(3);
                });
        Map<Key, List<Kappa.Pair>> pairs = new LinkedHashMap<>();
        jdbc.sql("""
                select u.username, cast(a.created_at at time zone 'UTC' as date), a.decision = 'ACCEPT', b.decision = 'ACCEPT'
                from reviews a join reviews b on b.sample_id = a.sample_id and b.reviewer_id <> a.reviewer_id
                join users u on u.id = a.reviewer_id
                where a.created_at >= :since and a.undone_at is null and b.undone_at is null
                  and a.decision <> 'SKIP' and b.decision <> 'SKIP'""")
                .param("since", since)
                .query(rs -> {
                    pairs.computeIfAbsent(new Key(rs.getString(1), rs.getObject(2, LocalDate.class)), k -> new ArrayList<>())
                            .add(new Kappa.Pair(rs.getBoolean(3), rs.getBoolean(4)));
                });
        List<Day> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            Kappa.Figures f = Kappa.of(pairs.getOrDefault(k, List.of()));
            out.add(new Day(k.curator(), k.day(), c[0], c[1], f.n(), f.percent(), f.kappa(), c[2], c[3]));
        });
        return out;
    }

    /**
     * One curator's figures.
     *
     * @param decisions        accept/reject decisions in force
     * @param accepted         of them, accepts
     * @param curatorPairs     decisions compared with another curator's on the same sample
     * @param judgeComparisons decisions compared with the judge's verdict
     */
    public record Row(String curator, long decisions, long accepted, long curatorPairs, @Nullable Double curatorPercent,
                      @Nullable Double curatorKappa, long judgeComparisons, @Nullable Double judgePercent,
                      @Nullable Double judgeKappa) {}

    /** Every curator with a decision in force, by name. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Row> perCurator() {
        Map<String, long[]> counts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        jdbc.sql("""
                select u.username, count(*), count(*) filter (where r.decision = 'ACCEPT')
                from reviews r join users u on u.id = r.reviewer_id
                where r.undone_at is null and r.decision <> 'SKIP' group by u.username""")
                .query(rs -> {
                    counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                });
        Map<String, List<Kappa.Pair>> curators = new LinkedHashMap<>();
        jdbc.sql("""
                select u.username, a.decision = 'ACCEPT', b.decision = 'ACCEPT'
                from reviews a join reviews b on b.sample_id = a.sample_id and b.reviewer_id <> a.reviewer_id
                join users u on u.id = a.reviewer_id
                where a.undone_at is null and b.undone_at is null and a.decision <> 'SKIP' and b.decision <> 'SKIP'""")
                .query(rs -> {
                    curators.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Kappa.Pair(rs.getBoolean(2), rs.getBoolean(3)));
                });
        Map<String, List<Kappa.Pair>> judge = new LinkedHashMap<>();
        jdbc.sql("""
                select u.username, r.decision = 'ACCEPT',
                       coalesce(s.verdict ->> 'decision', '') <> 'AUTO_REJECT'
                         and coalesce(s.judge_score, cast(s.verdict ->> 'overall' as double precision)) >= :t
                from reviews r join samples s on s.id = r.sample_id join users u on u.id = r.reviewer_id
                where r.undone_at is null and r.decision <> 'SKIP'
                  and (s.judge_score is not null or jsonb_typeof(s.verdict -> 'overall') = 'number')""")
                .param("t", properties.judgeAcceptScore())
                .query(rs -> {
                    judge.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Kappa.Pair(rs.getBoolean(2), rs.getBoolean(3)));
                });
        List<Row> rows = new ArrayList<>();
        counts.forEach((curator, n) -> {
            Kappa.Figures c = Kappa.of(curators.getOrDefault(curator, List.of()));
            Kappa.Figures j = Kappa.of(judge.getOrDefault(curator, List.of()));
            rows.add(new Row(curator, n[0], n[1], c.n(), c.percent(), c.kappa(), j.n(), j.percent(), j.kappa()));
        });
        return rows;
    }
}
