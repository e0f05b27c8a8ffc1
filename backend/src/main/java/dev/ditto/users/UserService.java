package dev.ditto.users;

import dev.ditto.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users in PostgreSQL with hashed passwords; the source of logins for the dashboard and the REST API. */
@Service
public class UserService implements UserDetailsService {
    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final AuditLog audit;

    UserService(JdbcClient jdbc, PasswordEncoder passwords, AuditLog audit) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.audit = audit;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("select username, password_hash, role, enabled from users where lower(username) = lower(:u)")
                .param("u", username)
                .query((rs, i) -> org.springframework.security.core.userdetails.User.withUsername(rs.getString(1))
                        .password(rs.getString(2))
                        .roles(rs.getString(3))
                        .disabled(!rs.getBoolean(4))
                        .build())
                .optional()
                .orElseThrow(() -> new UsernameNotFoundException("no such user: " + username));
    }

    /** Creates a user; the password is stored as a hash only. */
    @Transactional
    public User create(String username, String password, Role role, @Nullable String displayName) {
        validate(username, password);
        try {
            long id = jdbc.sql("insert into users (username, display_name, password_hash, role) values (:u, :d, :p, :r) returning id")
                    .params(Map.of("u", username.strip(), "p", passwords.encode(password), "r", role.name()))
                    .param("d", displayName)
                    .query(Long.class).single();
            User user = find(id).orElseThrow();
            audit.record("user.create", "user", id, null, Map.of("username", user.username(), "role", role.name()));
            return user;
        } catch (DuplicateKeyException e) {
            throw new IllegalArgumentException("A user named '" + username + "' already exists.", e);
        }
    }

    @Transactional
    public void changeRole(long id, Role role) {
        User before = find(id).orElseThrow(() -> new IllegalArgumentException("no user " + id));
        jdbc.sql("update users set role = :r where id = :id").param("r", role.name()).param("id", id).update();
        audit.record("user.role", "user", id, Map.of("role", before.role().name()), Map.of("role", role.name()));
    }

    @Transactional
    public void setEnabled(long id, boolean enabled) {
        User before = find(id).orElseThrow(() -> new IllegalArgumentException("no user " + id));
        jdbc.sql("update users set enabled = :e where id = :id").param("e", enabled).param("id", id).update();
        audit.record(enabled ? "user.enable" : "user.disable", "user", id,
                Map.of("enabled", before.enabled()), Map.of("enabled", enabled));
    }

    /** Changes a password after checking the current one. */
    @Transactional
    public void changePassword(String username, String currentPassword, String newPassword) {
        String hash = jdbc.sql("select password_hash from users where lower(username) = lower(:u)").param("u", username)
                .query(String.class).optional().orElseThrow(() -> new IllegalArgumentException("no such user: " + username));
        if (!passwords.matches(currentPassword, hash)) {
            throw new IllegalArgumentException("The current password is not correct.");
        }
        validate(username, newPassword);
        jdbc.sql("update users set password_hash = :p where lower(username) = lower(:u)")
                .param("p", passwords.encode(newPassword)).param("u", username).update();
        audit.record("user.password", "user", username, null, null);
    }

    public Optional<User> find(long id) {
        return jdbc.sql("select * from users where id = :id").param("id", id).query(UserService::map).optional();
    }

    public Optional<User> findByUsername(String username) {
        return jdbc.sql("select * from users where lower(username) = lower(:u)").param("u", username).query(UserService::map).optional();
    }

    public List<User> list() {
        return jdbc.sql("select * from users order by id").query(UserService::map).list();
    }

    public boolean anyAdmin() {
        return jdbc.sql("select exists (select 1 from users where role = 'ADMIN' and enabled)").query(Boolean.class).single();
    }

    public void recordLogin(String username) {
        jdbc.sql("update users set last_login_at = now() where lower(username) = lower(:u)").param("u", username).update();
    }

    private static void validate(String username, String password) {
        if (!username.strip().matches("[A-Za-z0-9._@-]{2,64}")) {
            throw new IllegalArgumentException("A username is 2–64 letters, digits or . _ @ -.");
        }
        if (password.length() < 8) {
            throw new IllegalArgumentException("A password needs at least 8 characters.");
        }
    }

    private static User map(ResultSet rs, int row) throws SQLException {
        Timestamp last = rs.getTimestamp("last_login_at");
        return new User(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
                Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant(),
                last == null ? null : last.toInstant());
    }
}
