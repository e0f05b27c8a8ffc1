package dev.ditto.runners;

import dev.ditto.audit.AuditLog;
import dev.ditto.platform.BearerSecrets;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;

/**
 * Runner identities and their bearer tokens: {@code dtr_} + 32 random bytes (base64url), shown once at creation,
 * stored only as a sha256 hash with a short hint; revocation takes effect at the runner's next request.
 */
@Service
public class RunnerTokens {
    static final String PREFIX = "dtr_";
    private static final Duration SEEN_RESOLUTION = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final DittoProperties properties;
    private final Map<Long, Instant> lastSeenWritten = new ConcurrentHashMap<>();

    RunnerTokens(JdbcClient jdbc, AuditLog audit, ObjectMapper json, Clock clock, DittoProperties properties) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.properties = properties;
    }

    /** Creates a runner named {@code name}; the answer holds its token, which is not stored and never shown again. */
    @Transactional
    public CreatedRunner create(@Nullable String name) {
        String clean = name == null ? "" : name.strip();
        if (!clean.matches("[A-Za-z0-9][A-Za-z0-9._@ -]{0,63}")) {
            throw new IllegalArgumentException("A runner name is 1–64 letters, digits, spaces or . _ @ -, starting with a letter or digit.");
        }
        String token = BearerSecrets.mint(PREFIX);
        String hint = token.substring(0, PREFIX.length() + 4) + "…";
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        try {
            long id = jdbc.sql("""
                            insert into runners (name, token_hash, token_hint, created_by, created_at)
                            values (:name, :hash, :hint, (select id from users where lower(username) = lower(:actor)), :now)
                            returning id""")
                    .param("name", clean).param("hash", hash(token)).param("hint", hint)
                    .param("actor", auth == null ? "" : auth.getName()).param("now", now())
                    .query(Long.class).single();
            audit.record("runner.create", "runner", id, null, Map.of("name", clean, "tokenHint", hint));
            return new CreatedRunner(id, clean, token, hint);
        } catch (DuplicateKeyException e) {
            throw new IllegalArgumentException("A runner named '" + clean + "' already exists; revoke it first or pick another name.", e);
        }
    }

    /** Revokes the runner's token: its next request is refused with 401. */
    @Transactional
    public void revoke(long id) {
        RunnerInfo before = find(id).orElseThrow(() -> new IllegalArgumentException("There is no runner " + id + "."));
        if (before.revoked()) {
            return;
        }
        jdbc.sql("update runners set revoked_at = :now where id = :id and revoked_at is null")
                .param("now", now()).param("id", id).update();
        audit.record("runner.revoke", "runner", id, Map.of("name", before.name(), "revoked", false), Map.of("revoked", true));
    }

    /** All runners, newest first, revoked ones included. */
    public List<RunnerInfo> list() {
        return jdbc.sql("select * from runners order by id desc").query(RunnerTokens::info).list();
    }

    public Optional<RunnerInfo> find(long id) {
        return jdbc.sql("select * from runners where id = :id").param("id", id).query(RunnerTokens::info).optional();
    }

    /** The runner this token belongs to (revoked or not), if any. */
    public Optional<RunnerInfo> findByToken(String token) {
        if (!token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        return jdbc.sql("select * from runners where token_hash = :hash").param("hash", hash(token))
                .query(RunnerTokens::info).optional();
    }

    /** Records what the runner says it is, and tells it the liveness contract. */
    public RunnerRegistered register(long runnerId, RunnerRegistration registration) {
        OffsetDateTime now = now();
        jdbc.sql("""
                        update runners set host = :host, capabilities = cast(:capabilities as jsonb), stages = :stages,
                                           version = :version, registered_at = :now, last_seen_at = :now
                         where id = :id""")
                .param("host", registration.host())
                .param("capabilities", json.writeValueAsString(registration.capabilities()))
                .param("stages", registration.stages().toArray(String[]::new))
                .param("version", registration.version())
                .param("now", now).param("id", runnerId)
                .update();
        lastSeenWritten.put(runnerId, now.toInstant());
        var runner = properties.runner();
        return new RunnerRegistered(runnerId, runner.heartbeatSeconds(), runner.leaseSeconds());
    }

    /** Notes that the runner was heard from (written at most every 30 s per runner). */
    void seen(long runnerId) {
        Instant now = clock.instant();
        Instant last = lastSeenWritten.get(runnerId);
        if (last != null && Duration.between(last, now).abs().compareTo(SEEN_RESOLUTION) < 0) {
            return;
        }
        lastSeenWritten.put(runnerId, now);
        jdbc.sql("update runners set last_seen_at = :now where id = :id").param("now", now()).param("id", runnerId).update();
    }

    static String hash(String token) {
        return BearerSecrets.hash(token);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static RunnerInfo info(ResultSet rs, int row) throws SQLException {
        Array stages = rs.getArray("stages");
        return new RunnerInfo(rs.getLong("id"), rs.getString("name"), rs.getString("token_hint"), rs.getString("host"),
                stages == null ? List.of() : List.of((String[]) stages.getArray()), rs.getString("version"),
                instant(rs, "created_at"), instant(rs, "registered_at"), instant(rs, "last_seen_at"),
                instant(rs, "revoked_at"), rs.getLong("jobs_done"), rs.getLong("jobs_failed"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
