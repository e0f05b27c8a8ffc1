package dev.ditto.users;

import dev.ditto.audit.AuditLog;
import dev.ditto.platform.BearerSecrets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal API tokens: {@code dtu_} + 32 random bytes (base64url), shown once at creation and stored only as a
 * sha256 hash with its first characters ({@link ApiTokenInfo#prefix()}). A token acts as its owner with at most the
 * owner's role (the smaller of the token's and the owner's current role), until it is revoked or expires. A user
 * makes and revokes their own; an admin may make one for anybody and revoke any. Creating and revoking are audited
 * ({@code api-token.create}, {@code api-token.revoke}); the token itself is never logged or audited.
 */
@Service
public class ApiTokens {
    public static final String PREFIX = "dtu_";
    /** How many characters of the token are kept to tell tokens apart ({@code dtu_} and 8 more). */
    static final int VISIBLE = PREFIX.length() + 8;
    private static final Duration USED_RESOLUTION = Duration.ofSeconds(60);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final Map<Long, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    ApiTokens(JdbcClient jdbc, AuditLog audit, UserService users, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
    }

    /** A token just made: its secret, in this answer only, and what is stored about it. */
    public record Created(String token, ApiTokenInfo info) {}

    /** What checking a presented token found. */
    public sealed interface Check {
        /** The token is good: act as {@code username} with {@code role}. */
        record Valid(long tokenId, String username, Role role) implements Check {}

        /** The token may not be used; {@code reason} says why, in words for the client. */
        record Refused(String reason) implements Check {}
    }

    /**
     * Makes a token for {@code owner} (the signed-in user when null) named {@code name}, with {@code role} (the
     * owner's role when null), expiring at {@code expiresAt} (never when null).
     *
     * @throws IllegalArgumentException when a value is not acceptable (the message says which and why)
     * @throws AccessDeniedException    when the signed-in user may not make this token
     */
    @Transactional
    public Created create(@Nullable String owner, String name, @Nullable Role role, @Nullable Instant expiresAt) {
        Authentication actor = signedIn();
        if (actor instanceof ApiTokenAuthentication) {
            throw new AccessDeniedException("An API token cannot make tokens: sign in with your password (the dashboard, "
                    + "or HTTP Basic) to make one.");
        }
        String ownerName = owner == null || owner.isBlank() ? actor.getName() : owner.strip();
        if (!ownerName.equalsIgnoreCase(actor.getName()) && !isAdmin(actor)) {
            throw new AccessDeniedException("Only an admin may make a token for another user.");
        }
        User user = users.findByUsername(ownerName)
                .orElseThrow(() -> new IllegalArgumentException("There is no user '" + ownerName + "'."));
        if (!user.enabled()) {
            throw new IllegalArgumentException("The account '" + user.username() + "' is disabled; enable it first.");
        }
        Role granted = role == null ? user.role() : role;
        if (granted.compareTo(user.role()) > 0) {
            throw new IllegalArgumentException("A token carries at most its owner's role: " + user.username() + " is "
                    + user.role() + ", so the token may be " + allowedRoles(user.role()) + ", not " + granted + ".");
        }
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 64 || clean.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("A token name is 1–64 characters (no control characters), e.g. 'backup script'.");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("The expiry " + expiresAt + " is not in the future; leave it out for a token that does not expire.");
        }
        String token = BearerSecrets.mint(PREFIX);
        String prefix = token.substring(0, VISIBLE);
        long id = jdbc.sql("""
                        insert into api_tokens (user_id, name, role, token_hash, token_prefix, created_by, created_at, expires_at)
                        values (:user, :name, :role, :hash, :prefix,
                                (select id from users where lower(username) = lower(:actor)), :now, :expires)
                        returning id""")
                .param("user", user.id()).param("name", clean).param("role", granted.name())
                .param("hash", hash(token)).param("prefix", prefix).param("actor", actor.getName())
                .param("now", utc(now)).param("expires", expiresAt == null ? null : utc(expiresAt))
                .query(Long.class).single();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("owner", user.username());
        after.put("name", clean);
        after.put("role", granted.name());
        after.put("prefix", prefix);
        after.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        audit.record("api-token.create", "api-token", id, null, after);
        return new Created(token, find(id).orElseThrow());
    }

    /**
     * Revokes token {@code id} (its next request is refused with 401); the owner or an admin may. Revoking a
     * revoked token changes nothing.
     *
     * @throws IllegalArgumentException when there is no such token the signed-in user may see
     */
    @Transactional
    public ApiTokenInfo revoke(long id) {
        Authentication actor = signedIn();
        ApiTokenInfo token = find(id).filter(t -> isAdmin(actor) || t.owner().equalsIgnoreCase(actor.getName()))
                .orElseThrow(() -> new NoSuchTokenException(id));
        if (token.revokedAt() != null) {
            return token;
        }
        jdbc.sql("""
                        update api_tokens set revoked_at = :now,
                               revoked_by = (select id from users where lower(username) = lower(:actor))
                         where id = :id and revoked_at is null""")
                .param("now", utc(clock.instant())).param("actor", actor.getName()).param("id", id).update();
        audit.record("api-token.revoke", "api-token", id,
                Map.of("owner", token.owner(), "name", token.name(), "prefix", token.prefix(), "revoked", false),
                Map.of("revoked", true));
        return find(id).orElseThrow();
    }

    /** The signed-in user's tokens, newest first, revoked and expired ones included. */
    public List<ApiTokenInfo> mine() {
        return jdbc.sql(SELECT + " where lower(u.username) = lower(:u) order by t.id desc")
                .param("u", signedIn().getName()).query(this::info).list();
    }

    /** Every user's tokens, newest first (admins). */
    public List<ApiTokenInfo> all() {
        if (!isAdmin(signedIn())) {
            throw new AccessDeniedException("Only admins see every user's tokens.");
        }
        return jdbc.sql(SELECT + " order by t.id desc").query(this::info).list();
    }

    public Optional<ApiTokenInfo> find(long id) {
        return jdbc.sql(SELECT + " where t.id = :id").param("id", id).query(this::info).optional();
    }

    /**
     * Checks a presented token: unknown, revoked, expired, or its owner disabled is {@link Check.Refused}; a good one
     * acts with the smaller of its role and the owner's current role, and its last use is noted (at most once a
     * minute per token).
     */
    public Check check(String presented) {
        if (!presented.startsWith(PREFIX) || presented.length() > 200) {
            return new Check.Refused("This is not an API token (they start with '" + PREFIX + "'). Make one in the "
                    + "dashboard (Account → API tokens) or with POST /api/tokens.");
        }
        Optional<Row> found = jdbc.sql("""
                        select t.id, t.role, t.expires_at, t.revoked_at, u.username, u.role as user_role, u.enabled
                          from api_tokens t join users u on u.id = t.user_id where t.token_hash = :hash""")
                .param("hash", hash(presented))
                .query((rs, i) -> new Row(rs.getLong(1), Role.valueOf(rs.getString(2)), instant(rs, "expires_at"),
                        instant(rs, "revoked_at"), rs.getString(5), Role.valueOf(rs.getString(6)), rs.getBoolean(7)))
                .optional();
        if (found.isEmpty()) {
            return new Check.Refused("This API token is not known to the server.");
        }
        Row row = found.get();
        Instant now = clock.instant();
        if (row.revokedAt() != null) {
            return new Check.Refused("This API token was revoked at " + row.revokedAt() + ". Make a new one.");
        }
        if (row.expiresAt() != null && !row.expiresAt().isAfter(now)) {
            return new Check.Refused("This API token expired at " + row.expiresAt() + ". Make a new one.");
        }
        if (!row.enabled()) {
            return new Check.Refused("The account this API token belongs to is disabled.");
        }
        used(row.id(), now);
        Role effective = row.role().compareTo(row.userRole()) <= 0 ? row.role() : row.userRole();
        return new Check.Valid(row.id(), row.username(), effective);
    }

    private record Row(long id, Role role, @Nullable Instant expiresAt, @Nullable Instant revokedAt, String username,
                       Role userRole, boolean enabled) {}

    private void used(long id, Instant now) {
        Instant last = lastUsedWritten.get(id);
        if (last != null && Duration.between(last, now).abs().compareTo(USED_RESOLUTION) < 0) {
            return;
        }
        lastUsedWritten.put(id, now);
        jdbc.sql("update api_tokens set last_used_at = :now where id = :id").param("now", utc(now)).param("id", id).update();
    }

    /** The roles a token of an owner with {@code role} may carry, in words. */
    static String allowedRoles(Role role) {
        return switch (role) {
            case VIEWER -> "VIEWER";
            case CURATOR -> "VIEWER or CURATOR";
            case ADMIN -> "VIEWER, CURATOR or ADMIN";
        };
    }

    private static Authentication signedIn() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth.getName() == null) {
            throw new AccessDeniedException("Sign in first.");
        }
        return auth;
    }

    private static boolean isAdmin(Authentication auth) {
        return auth.getAuthorities().stream().anyMatch(a -> Role.ADMIN.authority().equals(a.getAuthority()));
    }

    private static final String SELECT = """
            select t.*, u.username as owner, c.username as creator
              from api_tokens t join users u on u.id = t.user_id left join users c on c.id = t.created_by""";

    private ApiTokenInfo info(ResultSet rs, int row) throws SQLException {
        return new ApiTokenInfo(rs.getLong("id"), rs.getString("owner"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                rs.getString("token_prefix"), rs.getString("creator"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "last_used_at"), instant(rs, "revoked_at"), clock.instant());
    }

    static String hash(String token) {
        return BearerSecrets.hash(token);
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** There is no token with this id that the signed-in user may see (a 404 on the API). */
    public static final class NoSuchTokenException extends IllegalArgumentException {
        NoSuchTokenException(long id) {
            super("There is no API token " + id + " of yours.");
        }
    }
}
