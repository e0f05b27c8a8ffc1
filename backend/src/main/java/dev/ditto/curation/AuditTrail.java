package dev.ditto.curation;

import dev.ditto.audit.AuditLog;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/** Reads the audit log page by page, filtered, for administrators (newest first). */
@Service
public class AuditTrail {
    private final JdbcClient jdbc;

    AuditTrail(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What to show; a null or blank field does not filter. */
    public record Filter(@Nullable String entity, @Nullable String action, @Nullable String actor, @Nullable String entityId) {
        public static Filter none() {
            return new Filter(null, null, null, null);
        }
    }

    /** Entries {@code offset} to {@code offset + limit} of those matching {@code filter}, newest first. */
    @PreAuthorize("hasRole('ADMIN')")
    public List<AuditLog.Entry> page(Filter filter, int offset, int limit) {
        return jdbc.sql("""
                select id, actor_name, action, entity, entity_id, before::text, after::text, created_at
                from audit_log
                where (cast(:entity as text) is null or entity = :entity)
                  and (cast(:action as text) is null or action = :action)
                  and (cast(:actor as text) is null or lower(actor_name) = lower(:actor))
                  and (cast(:entityId as text) is null or entity_id = :entityId)
                order by id desc limit :limit offset :offset""")
                .param("entity", blankToNull(filter.entity())).param("action", blankToNull(filter.action()))
                .param("actor", blankToNull(filter.actor())).param("entityId", blankToNull(filter.entityId()))
                .param("limit", Math.max(1, Math.min(limit, 500))).param("offset", Math.max(0, offset))
                .query((rs, i) -> new AuditLog.Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant()))
                .list();
    }

    /** The entity kinds that occur in the log. */
    @PreAuthorize("hasRole('ADMIN')")
    public List<String> entities() {
        return jdbc.sql("select distinct entity from audit_log order by 1").query(String.class).list();
    }

    /** The actions that occur in the log. */
    @PreAuthorize("hasRole('ADMIN')")
    public List<String> actions() {
        return jdbc.sql("select distinct action from audit_log order by 1").query(String.class).list();
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
