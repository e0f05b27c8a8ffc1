package dev.ditto.releases;

import dev.ditto.agent.judge.Criterion;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Computes a release's {@link QualityReport} in PostgreSQL once its rows are in {@code release_samples}: one pass
 * over the shipped samples with {@code percentile_cont} per measure, grouped by category and overall, and one over
 * the selection's decided samples for acceptance and rejection reasons. Nothing is held per sample.
 */
final class ReleaseQuality {
    private final JdbcClient jdbc;

    ReleaseQuality(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** A measure and the SQL expression (over {@code release_samples r}, {@code samples s}) that reads it. */
    private record Measure(boolean judge, String name, String sql) {}

    private static List<Measure> measures() {
        List<Measure> measures = new ArrayList<>();
        measures.add(new Measure(true, QualityReport.JUDGE_OVERALL, "r.judge_score::float8"));
        for (Criterion c : Criterion.values()) {
            String v = "s.verdict -> 'scores' -> '" + c.wireName() + "'";
            measures.add(new Measure(true, c.wireName(), "case jsonb_typeof(" + v + ") when 'number' then (" + v
                    + ")::text::float8 when 'object' then case when jsonb_typeof(" + v + " -> 'score') = 'number' then ("
                    + v + " ->> 'score')::float8 when jsonb_typeof(" + v + " -> 'value') = 'number' then (" + v
                    + " ->> 'value')::float8 end end"));
        }
        for (String m : QualityReport.METRICS) {
            measures.add(new Measure(false, m, "case when jsonb_typeof(s.metrics -> '" + m + "') = 'number' then (s.metrics ->> '"
                    + m + "')::float8 end"));
        }
        return measures;
    }

    QualityReport compute(long releaseId, ReleaseSelection selection) {
        List<Measure> measures = measures();
        String quantiles = IntStream.range(0, QualityReport.QUANTILES.length)
                .mapToObj(i -> String.valueOf(QualityReport.QUANTILES[i])).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("with v as (select r.category");
        for (int i = 0; i < measures.size(); i++) {
            sql.append(", ").append(measures.get(i).sql()).append(" as m").append(i);
        }
        sql.append(" from release_samples r join samples s on s.id = r.sample_id where r.release_id = ?)\n")
                .append("select category, grouping(category), count(*)");
        for (int i = 0; i < measures.size(); i++) {
            sql.append(", count(m").append(i).append("), avg(m").append(i).append("), min(m").append(i)
                    .append("), max(m").append(i).append("), percentile_cont(array[").append(quantiles)
                    .append("]) within group (order by m").append(i).append(")");
        }
        sql.append(" from v group by grouping sets ((category), ())");
        Map<String, Shipped> shipped = new TreeMap<>();
        jdbc.sql(sql.toString()).params(releaseId).query(rs -> {
            Map<String, QualityReport.Distribution> judge = new LinkedHashMap<>();
            Map<String, QualityReport.Distribution> metrics = new LinkedHashMap<>();
            for (int i = 0; i < measures.size(); i++) {
                int col = 4 + i * 5;
                long n = rs.getLong(col);
                if (n > 0) {
                    (measures.get(i).judge() ? judge : metrics).put(measures.get(i).name(), new QualityReport.Distribution(n,
                            rs.getDouble(col + 1), rs.getDouble(col + 2), rs.getDouble(col + 3), quantiles(rs.getArray(col + 4))));
                }
            }
            shipped.put(key(rs), new Shipped(rs.getLong(3), judge, metrics));
        });
        Map<String, QualityReport.Decisions> decisions = decisions(selection);
        QualityReport.Group overall = group(shipped.get(ALL), decisions.get(ALL));
        Map<String, QualityReport.Group> categories = new TreeMap<>();
        shipped.keySet().forEach(c -> categories.put(c, group(shipped.get(c), decisions.get(c))));
        decisions.keySet().forEach(c -> categories.computeIfAbsent(c, k -> group(null, decisions.get(k))));
        categories.remove(ALL);
        List<Double> qs = new ArrayList<>();
        for (double q : QualityReport.QUANTILES) {
            qs.add(q);
        }
        return new QualityReport(List.copyOf(qs), overall, categories);
    }

    /** The key of the row of the overall grouping set. */
    private static final String ALL = "";

    private record Shipped(long samples, Map<String, QualityReport.Distribution> judge,
                           Map<String, QualityReport.Distribution> metrics) {}

    private static String key(ResultSet rs) throws SQLException {
        return rs.getInt(2) == 1 ? ALL : DatasetLayout.categoryDir(rs.getString(1));
    }

    private static QualityReport.Group group(@Nullable Shipped shipped, QualityReport.@Nullable Decisions decisions) {
        return new QualityReport.Group(shipped == null ? 0 : shipped.samples(), shipped == null ? Map.of() : shipped.judge(),
                shipped == null ? Map.of() : shipped.metrics(),
                decisions == null ? new QualityReport.Decisions(0, 0, 0, 0, null, Map.of()) : decisions);
    }

    private static Map<String, Double> quantiles(@Nullable Array array) throws SQLException {
        Map<String, Double> out = new LinkedHashMap<>();
        if (array == null) {
            return out;
        }
        Object[] values = (Object[]) array.getArray();
        for (int i = 0; i < values.length && i < QualityReport.QUANTILES.length; i++) {
            if (values[i] != null) {
                out.put(QualityReport.key(QualityReport.QUANTILES[i]), ((Number) values[i]).doubleValue());
            }
        }
        return out;
    }

    /** Decisions by category and overall over the selection's decided samples. */
    private Map<String, QualityReport.Decisions> decisions(ReleaseSelection selection) {
        ReleaseSnapshot.Filter filter = ReleaseSnapshot.decided(selection);
        Object[] params = filter.params().toArray();
        Map<String, Map<String, Long>> reasons = new TreeMap<>();
        jdbc.sql("""
                select category, grouping(category), reason, count(*) from (
                    select s.category, case when s.status = 'AUTO_REJECTED' or s.reject_reason like 'judge:%' then 'judge'
                                            else coalesce(nullif(s.reject_reason, ''), 'unspecified') end as reason
                    from samples s where\s""" + filter.sql() + """
                      and s.status in ('REJECTED', 'AUTO_REJECTED')) d
                group by grouping sets ((category, reason), (reason)) order by 4 desc, 3""")
                .params(params).query(rs -> {
                    reasons.computeIfAbsent(key(rs), k -> new LinkedHashMap<>()).put(rs.getString(3), rs.getLong(4));
                });
        Map<String, QualityReport.Decisions> out = new TreeMap<>();
        jdbc.sql("""
                select s.category, grouping(s.category), count(*), count(*) filter (where s.status = 'ACCEPTED'),
                       count(*) filter (where s.status = 'REJECTED'), count(*) filter (where s.status = 'AUTO_REJECTED')
                from samples s where\s""" + filter.sql() + " group by grouping sets ((s.category), ())")
                .params(params).query(rs -> {
                    long decided = rs.getLong(3);
                    long accepted = rs.getLong(4);
                    String k = key(rs);
                    out.put(k, new QualityReport.Decisions(decided, accepted, rs.getLong(5), rs.getLong(6),
                            decided == 0 ? null : (double) accepted / decided, reasons.getOrDefault(k, Map.of())));
                });
        return out;
    }
}
