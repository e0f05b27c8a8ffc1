package dev.ditto.overview;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Counts of sources, jobs and samples by status: the pipeline at a glance. */
@Service
public class PipelineCounts {
    private final JdbcClient jdbc;

    PipelineCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Status → count for sources. */
    public Map<String, Long> sources() {
        return grouped("select status, count(*) from sources group by status order by status");
    }

    /** "TYPE STATUS" → count for jobs. */
    public Map<String, Long> jobs() {
        return grouped("select type || ' ' || status, count(*) from jobs group by type, status order by 1");
    }

    /** Status → count for samples. */
    public Map<String, Long> samples() {
        return grouped("select status, count(*) from samples group by status order by status");
    }

    /** Number of normalised clips cut from sources. */
    public long clips() {
        return jdbc.sql("select count(*) from source_assets where kind = 'CLIP'").query(Long.class).single();
    }

    private Map<String, Long> grouped(String sql) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql(sql).query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }
}
