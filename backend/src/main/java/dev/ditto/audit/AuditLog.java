package dev.ditto.audit;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/** Appends decisions to the audit log, in the caller's transaction, attributed to the signed-in user. */
@Service
public class AuditLog {
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    AuditLog(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records {@code action} on {@code entity}/{@code entityId}; before/after are serialised as JSON. */
    public void record(String action, String entity, @Nullable Object entityId, @Nullable Object before, @Nullable Object after) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String actor = auth == null ? "system" : auth.getName();
        jdbc.sql("""
                insert into audit_log (actor_id, actor_name, action, entity, entity_id, before, after)
                values ((select id from users where lower(username) = lower(:actor)), :actor, :action, :entity, :entityId,
                        cast(:before as jsonb), cast(:after as jsonb))""")
                .param("actor", actor)
                .param("action", action)
                .param("entity", entity)
                .param("entityId", entityId == null ? null : String.valueOf(entityId))
                .param("before", before == null ? null : json.writeValueAsString(before))
                .param("after", after == null ? null : json.writeValueAsString(after))
                .update();
    }

    /** The newest entries first. */
    public List<Entry> recent(int limit, int offset) {
        return jdbc.sql("""
                select id, actor_name, action, entity, entity_id, before::text, after::text, created_at
                from audit_log order by id desc limit :limit offset :offset""")
                .param("limit", limit).param("offset", offset)
                .query((rs, i) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant()))
                .list();
    }

    /** One audit entry. */
    public record Entry(long id, String actor, String action, String entity, @Nullable String entityId,
                        @Nullable String before, @Nullable String after, Instant at) {}
}
