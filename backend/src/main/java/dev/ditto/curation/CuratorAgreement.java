package dev.ditto.curation;

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

    CuratorAgreement(JdbcClient jdbc, CurationProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
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
