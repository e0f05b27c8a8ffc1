package dev.ditto.users;

import dev.ditto.users.LoginThrottle.Entry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Where a {@link LoginThrottle} keeps its counts: this JVM's memory, or PostgreSQL for every server on a database. */
interface ThrottleStore {

    /** Copies of the entries these keys have (keys without one are left out). */
    Map<String, Entry> read(Collection<String> keys);

    /**
     * Atomically, against every other user of the store: hands {@code change} the entries these keys have (a key
     * without one is absent), and stores what the map holds for these keys afterwards (a key removed from it is
     * forgotten).
     */
    void update(Collection<String> keys, Consumer<Map<String, Entry>> change);

    /** The entries locked until after {@code now}. */
    Map<String, Entry> lockedAfter(Instant now);

    /** Forgets these keys; how many had an entry. */
    int remove(Collection<String> keys);

    void clear();

    /** Drops entries with no failure and no lockout for {@code idle} (when the store decides it is time to). */
    void purgeForgotten(Instant now, Duration idle);

    /** One server's memory; forgotten on restart. */
    final class InMemory implements ThrottleStore {
        private final Map<String, Entry> entries = new HashMap<>();

        @Override
        public synchronized Map<String, Entry> read(Collection<String> keys) {
            Map<String, Entry> found = new LinkedHashMap<>();
            keys.forEach(k -> {
                Entry e = entries.get(k);
                if (e != null) {
                    found.put(k, new Entry(e.failures, e.lockouts, e.lastFailure, e.lockedUntil));
                }
            });
            return found;
        }

        @Override
        public synchronized void update(Collection<String> keys, Consumer<Map<String, Entry>> change) {
            Map<String, Entry> some = new HashMap<>();
            keys.forEach(k -> {
                Entry e = entries.get(k);
                if (e != null) {
                    some.put(k, e);
                }
            });
            change.accept(some);
            keys.forEach(k -> {
                Entry e = some.get(k);
                if (e == null) {
                    entries.remove(k);
                } else {
                    entries.put(k, e);
                }
            });
        }

        @Override
        public synchronized Map<String, Entry> lockedAfter(Instant now) {
            Map<String, Entry> locked = new LinkedHashMap<>();
            entries.forEach((k, e) -> {
                if (e.lockedUntil != null && e.lockedUntil.isAfter(now)) {
                    locked.put(k, e);
                }
            });
            return locked;
        }

        @Override
        public synchronized int remove(Collection<String> keys) {
            int removed = 0;
            for (String k : keys) {
                removed += entries.remove(k) == null ? 0 : 1;
            }
            return removed;
        }

        @Override
        public synchronized void clear() {
            entries.clear();
        }

        @Override
        public synchronized void purgeForgotten(Instant now, Duration idle) {
            if (entries.size() > LoginThrottle.PURGE_ABOVE) {
                entries.values().removeIf(e -> e.forgotten(now, idle));
            }
        }
    }

    /**
     * The {@code login_throttle} table: every server on the database counts into the same rows and sees the same
     * lockouts. An update locks its keys' rows ({@code select … for update}, after inserting empty ones for keys
     * without a row) so two servers counting the same key at once both count.
     */
    final class Postgres implements ThrottleStore {
        private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

        private final JdbcClient jdbc;
        private final TransactionTemplate transactions;
        private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.EPOCH);

        Postgres(JdbcClient jdbc, TransactionTemplate transactions) {
            this.jdbc = jdbc;
            this.transactions = transactions;
        }

        @Override
        public Map<String, Entry> read(Collection<String> keys) {
            Map<String, Entry> found = new LinkedHashMap<>();
            jdbc.sql("select * from login_throttle where key in (:keys)").param("keys", List.copyOf(keys))
                    .query((RowCallbackHandler) rs -> {
                        found.put(rs.getString("key"), entry(rs));
                    });
            return found;
        }

        @Override
        public void update(Collection<String> keys, Consumer<Map<String, Entry>> change) {
            transactions.executeWithoutResult(status -> {
                for (String key : keys) {
                    jdbc.sql("insert into login_throttle (key) values (:key) on conflict (key) do nothing").param("key", key).update();
                }
                Map<String, Entry> some = new HashMap<>();
                jdbc.sql("select * from login_throttle where key in (:keys) order by key for update")
                        .param("keys", List.copyOf(keys))
                        .query((RowCallbackHandler) rs -> {
                            Entry e = entry(rs);
                            if (e.failures > 0 || e.lockedUntil != null) { // a row just inserted holds nothing yet
                                some.put(rs.getString("key"), e);
                            }
                        });
                change.accept(some);
                for (String key : keys) {
                    Entry e = some.get(key);
                    if (e == null) {
                        jdbc.sql("delete from login_throttle where key = :key").param("key", key).update();
                    } else {
                        jdbc.sql("""
                                        update login_throttle set failures = :failures, lockouts = :lockouts,
                                               last_failure = :last, locked_until = :until where key = :key""")
                                .param("failures", e.failures).param("lockouts", e.lockouts)
                                .param("last", utc(e.lastFailure)).param("until", e.lockedUntil == null ? null : utc(e.lockedUntil))
                                .param("key", key).update();
                    }
                }
            });
        }

        @Override
        public Map<String, Entry> lockedAfter(Instant now) {
            Map<String, Entry> locked = new LinkedHashMap<>();
            jdbc.sql("select * from login_throttle where locked_until > :now").param("now", utc(now))
                    .query((RowCallbackHandler) rs -> {
                        locked.put(rs.getString("key"), entry(rs));
                    });
            return locked;
        }

        @Override
        public int remove(Collection<String> keys) {
            return jdbc.sql("delete from login_throttle where key in (:keys)").param("keys", List.copyOf(keys)).update();
        }

        @Override
        public void clear() {
            jdbc.sql("delete from login_throttle").update();
        }

        @Override
        public void purgeForgotten(Instant now, Duration idle) {
            Instant last = lastPurge.get();
            if (Duration.between(last, now).compareTo(PURGE_EVERY) < 0 || !lastPurge.compareAndSet(last, now)) {
                return;
            }
            // forgotten: neither a failure nor a lockout's end within idle (greatest ignores a null locked_until)
            jdbc.sql("delete from login_throttle where greatest(last_failure, locked_until) <= :cutoff")
                    .param("cutoff", utc(now.minus(idle))).update();
        }

        private static Entry entry(ResultSet rs) throws SQLException {
            return new Entry(rs.getInt("failures"), rs.getInt("lockouts"), instant(rs, "last_failure"), instantOrNull(rs, "locked_until"));
        }

        private static Instant instant(ResultSet rs, String column) throws SQLException {
            return rs.getObject(column, OffsetDateTime.class).toInstant();
        }

        private static @Nullable Instant instantOrNull(ResultSet rs, String column) throws SQLException {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }

        private static OffsetDateTime utc(Instant at) {
            return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        }
    }
}
