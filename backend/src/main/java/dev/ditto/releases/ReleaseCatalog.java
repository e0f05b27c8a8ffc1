package dev.ditto.releases;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Reads releases back from PostgreSQL. */
public final class ReleaseCatalog {
    private static final String COLUMNS = """
            r.id, r.name, r.version, r.selection::text, r.state, r.previous_id, p.version, r.sample_count, r.counts::text,
            r.diff::text, r.manifest_sha256, r.notes, r.error, r.created_at, r.built_at, (r.options -> 'sim2real')::text,
            r.quality::text
            from releases r left join releases p on p.id = r.previous_id""";
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public ReleaseCatalog(DataSource dataSource, ObjectMapper json) {
        this.jdbc = JdbcClient.create(dataSource);
        this.json = json;
    }

    public Optional<Release> find(long id) {
        return jdbc.sql("select " + COLUMNS + " where r.id = :id").param("id", id).query(this::map).optional();
    }

    public Release get(long id) {
        return find(id).orElseThrow(() -> new ReleaseException(ReleaseException.Reason.NOT_FOUND,
                "release " + id + " does not exist; GET /api/releases lists the releases"));
    }

    /** Newest first. */
    public List<Release> list(int limit, int offset) {
        return jdbc.sql("select " + COLUMNS + " order by r.id desc limit :limit offset :offset")
                .param("limit", limit).param("offset", offset).query(this::map).list();
    }

    private Release map(ResultSet rs, int row) throws SQLException {
        Timestamp built = rs.getTimestamp(15);
        String diff = rs.getString(10);
        return new Release(rs.getLong(1), rs.getString(2), rs.getString(3),
                json.readValue(rs.getString(4), ReleaseSelection.class),
                Release.State.valueOf(rs.getString(5)), (Long) rs.getObject(6), rs.getString(7), rs.getInt(8),
                json.readValue(rs.getString(9), new TypeReference<Map<String, Long>>() {}),
                diff == null || diff.equals("{}") ? ReleaseDiff.none() : json.readValue(diff, ReleaseDiff.class),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getTimestamp(14).toInstant(),
                built == null ? null : built.toInstant(),
                rs.getString(16) == null ? null : json.readValue(rs.getString(16), Sim2Real.Subset.class),
                rs.getString(17) == null ? null : json.readValue(rs.getString(17), QualityReport.class));
    }
}
