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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.ObjectMapper;

/**
 * Runner identities and their bearer tokens: {@code dtr_} + 32 random bytes (base64url), shown once at creation,
 * stored only as a sha256 hash with a short hint; revocation takes effect at the runner's next request.
 *
 * <p>Runner requests authenticate from memory ({@link #authenticate}): thousands of long-polling runners would
 * otherwise cost a token query each, every poll, and their {@code last_seen_at} writes are gathered into one update
 * every few seconds. A revocation on this server clears the tokens it knows as it commits; one on another server
 * is seen within {@code ditto.runner.token-check-ms} (one small query a period compares the runners table's
 * revocation stamp).
 */
@Service
public class RunnerTokens {
    private static final Logger log = LoggerFactory.getLogger(RunnerTokens.class);
    static final String PREFIX = "dtr_";
    /** What {@link RunnerInfo} shows (not the capabilities a runner registered, which no list needs). */
    private static final String COLUMNS = "id, name, token_hint, host, stages, version, created_at, registered_at, last_seen_at, "
            + "revoked_at, jobs_done, jobs_failed";
    private static final Duration SEEN_RESOLUTION = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final DittoProperties properties;
    private final Map<Long, Instant> lastSeenWritten = new ConcurrentHashMap<>();
    /** Known tokens by sha256: what a runner request is authenticated with. */
    private final Map<String, RunnerInfo> known = new ConcurrentHashMap<>();
    /** Runners heard from whose {@code last_seen_at} is not written yet. */
    private final Map<Long, Boolean> seenPending = new ConcurrentHashMap<>();
    private volatile @Nullable String revocationStamp;
    /** How many times the remembered tokens were forgotten (a token read before a forgetting is not remembered). */
    private volatile long forgotten;

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
        forgetTokensWhenCommitted();
        audit.record("runner.revoke", "runner", id, Map.of("name", before.name(), "revoked", false), Map.of("revoked", true));
    }

    /** Runners, newest first, revoked ones included: {@code limit} of them from {@code offset}. */
    public List<RunnerInfo> list(int limit, int offset) {
        return jdbc.sql("select " + COLUMNS + " from runners order by id desc limit :limit offset :offset")
                .param("limit", limit).param("offset", offset).query(RunnerTokens::info).list();
    }

    /** How many runners there are, revoked ones included. */
    public long count() {
        return jdbc.sql("select count(*) from runners").query(Long.class).single();
    }

    public Optional<RunnerInfo> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from runners where id = :id").param("id", id).query(RunnerTokens::info).optional();
    }

    /** The runner (not revoked) of this name, ignoring case: there is at most one. */
    public Optional<RunnerInfo> findActiveByName(String name) {
        return jdbc.sql("select " + COLUMNS + " from runners where lower(name) = lower(:name) and revoked_at is null")
                .param("name", name).query(RunnerTokens::info).optional();
    }

    /** The runner this token belongs to (revoked or not), if any. */
    public Optional<RunnerInfo> findByToken(String token) {
        if (!token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        return jdbc.sql("select " + COLUMNS + " from runners where token_hash = :hash").param("hash", hash(token))
                .query(RunnerTokens::info).optional();
    }

    /**
     * The runner a request's token belongs to (revoked or not), from memory when this server has seen the token since
     * the last revocation anywhere; tokens it does not know are looked up (and not remembered while unknown).
     */
    public Optional<RunnerInfo> authenticate(String token) {
        if (!token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(token);
        RunnerInfo cached = known.get(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = forgotten;
        Optional<RunnerInfo> found = jdbc.sql("select " + COLUMNS + " from runners where token_hash = :hash").param("hash", hash)
                .query(RunnerTokens::info).optional();
        if (found.isPresent()) {
            synchronized (known) {
                if (forgotten == before) { // no revocation was seen while it was read: what it read is current
                    known.put(hash, found.get());
                }
            }
        }
        return found;
    }

    /**
     * Forgets the remembered tokens when a runner was revoked (or created, or deleted) on any server: one query over the
     * runners table a period, whatever the number of runners.
     */
    @Scheduled(fixedDelayString = "${ditto.runner.token-check-ms:1000}")
    void checkRevocations() {
        String stamp;
        try {
            stamp = jdbc.sql("select count(*) || '/' || coalesce(max(id), 0) || '/' || count(revoked_at) || '/' "
                    + "|| coalesce(max(revoked_at)::text, '') from runners").query(String.class).single();
        } catch (DataAccessException e) {
            // a revocation cannot be seen now: look every token up again (they fail with 503 while PostgreSQL is away)
            revocationStamp = null;
            forget();
            log.debug("Runner token check skipped: {}", e.getMessage());
            return;
        }
        if (!stamp.equals(revocationStamp)) {
            revocationStamp = stamp;
            forget();
        }
    }

    private void forgetTokensWhenCommitted() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forget();
                }
            });
        } else {
            forget();
        }
    }

    private void forget() {
        synchronized (known) {
            forgotten++;
            known.clear();
        }
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

    /**
     * Notes that the runner was heard from: written at most every 30 s per runner, by {@link #writeSeen} within
     * {@code ditto.runner.seen-flush-ms}, for all runners heard from in one update.
     */
    void seen(long runnerId) {
        Instant now = clock.instant();
        Instant last = lastSeenWritten.get(runnerId);
        if (last != null && Duration.between(last, now).abs().compareTo(SEEN_RESOLUTION) < 0) {
            return;
        }
        lastSeenWritten.put(runnerId, now);
        seenPending.put(runnerId, Boolean.TRUE);
    }

    /** Writes {@code last_seen_at} of the runners heard from since the last write, in one statement. */
    @Scheduled(fixedDelayString = "${ditto.runner.seen-flush-ms:2000}")
    void writeSeen() {
        if (seenPending.isEmpty()) {
            return;
        }
        List<Long> ids = List.copyOf(seenPending.keySet());
        ids.forEach(seenPending::remove);
        try {
            jdbc.sql("update runners set last_seen_at = greatest(coalesce(last_seen_at, :now), :now) where id = any(:ids)")
                    .param("now", now()).param("ids", ids.toArray(Long[]::new)).update();
        } catch (DataAccessException e) {
            ids.forEach(id -> seenPending.put(id, Boolean.TRUE)); // PostgreSQL away: written at the next try
            log.debug("Writing runners' last_seen_at postponed: {}", e.getMessage());
        }
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
