package dev.ditto.users;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Counts failed sign-ins per account and per client address and locks either out for a while once it has too many
 * in a row: {@code maxPerAccount} (or {@code maxPerAddress}) consecutive failures lock the key for
 * {@code baseLockout}; every further failure after a lockout ends locks it again for twice as long, up to
 * {@code maxLockout}. A success resets the account's and the address's counts. A key with no failure and no
 * lockout for {@code maxLockout} is forgotten. Attempts refused during a lockout are not checked and not counted.
 *
 * <p>State is kept by a {@link ThrottleStore}: PostgreSQL on a server (every server on the database sees the same
 * counts and lockouts, and a restart forgets nothing), memory in unit tests. Unknown usernames are counted like known
 * ones.
 */
public final class LoginThrottle {
    static final String ACCOUNT = "account:";
    static final String ADDRESS = "address:";
    /** Above this many keys, forgotten ones are dropped at the next failure (the memory store). */
    static final int PURGE_ABOVE = 10_000;

    private final Settings settings;
    private final Clock clock;
    private final LockListener listener;
    private final ThrottleStore store;

    /** A throttle that keeps its counts in this JVM's memory (one server; tests). */
    public LoginThrottle(Settings settings, Clock clock, LockListener listener) {
        this(settings, clock, listener, new ThrottleStore.InMemory());
    }

    LoginThrottle(Settings settings, Clock clock, LockListener listener, ThrottleStore store) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.store = store;
    }

    /** The throttle's settings ({@code ditto.security.login.*}). */
    public record Settings(int maxPerAccount, int maxPerAddress, Duration baseLockout, Duration maxLockout) {
        public Settings {
            if (maxPerAccount < 1 || maxPerAddress < 1 || baseLockout.isNegative() || baseLockout.isZero()
                    || maxLockout.compareTo(baseLockout) < 0) {
                throw new IllegalArgumentException("ditto.security.login: the failure limits must be at least 1 and "
                        + "max-lockout at least base-lockout (base " + baseLockout + ", max " + maxLockout + ")");
            }
        }
    }

    /** Told once each time a key gets locked (not for each refused attempt). */
    @FunctionalInterface
    public interface LockListener {
        void locked(Lockout lockout);
    }

    /** A key that is locked now: until when, after how many consecutive failures, the how-manieth lockout in a row. */
    public record Lockout(String key, int failures, int lockouts, Instant until, long retryAfterSeconds) {}

    public static String accountKey(String username) {
        return ACCOUNT + username.strip().toLowerCase(Locale.ROOT);
    }

    public static String addressKey(String address) {
        return ADDRESS + address;
    }

    /** How long sign-ins for this username from this address are still refused; empty when they are not. */
    public Optional<Duration> refusal(String username, String address) {
        return refusal(List.of(accountKey(username), addressKey(address)));
    }

    /** How long sign-ins with an API token from this address are still refused; empty when they are not. */
    public Optional<Duration> addressRefusal(String address) {
        return refusal(List.of(addressKey(address)));
    }

    private Optional<Duration> refusal(List<String> keys) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (Entry e : store.read(keys).values()) {
            Instant until = e.lockedUntil;
            if (until != null && until.isAfter(now)) {
                Duration left = Duration.between(now, until);
                longest = left.compareTo(longest) > 0 ? left : longest;
            }
        }
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** A wrong password (or an unknown username) for {@code username} from {@code address}. */
    public void failed(String username, String address) {
        fail(List.of(Map.entry(accountKey(username), settings.maxPerAccount()),
                Map.entry(addressKey(address), settings.maxPerAddress())));
    }

    /** A refused API token from {@code address}: counted against the address only (a token names no account). */
    public void failedFromAddress(String address) {
        fail(List.of(Map.entry(addressKey(address), settings.maxPerAddress())));
    }

    /** Counts a failure for each key against its limit. */
    private void fail(List<Map.Entry<String, Integer>> limits) {
        List<Lockout> locked = new ArrayList<>(limits.size());
        Instant now = clock.instant();
        store.purgeForgotten(now, settings.maxLockout());
        store.update(limits.stream().map(Map.Entry::getKey).toList(),
                entries -> limits.forEach(limit -> count(entries, limit.getKey(), limit.getValue(), now, locked)));
        locked.forEach(listener::locked); // after the update: the listener writes to the database
    }

    /** A good API token from {@code address}: the address starts over, as after a right password. */
    public void succeededFromAddress(String address) {
        store.remove(List.of(addressKey(address)));
    }

    /** The right password: the account and the address start over. */
    public void succeeded(String username, String address) {
        store.remove(List.of(accountKey(username), addressKey(address)));
    }

    /** The keys locked now, longest-locked first. */
    public List<Lockout> lockouts() {
        Instant now = clock.instant();
        List<Lockout> locked = new ArrayList<>();
        store.lockedAfter(now).forEach((key, e) -> locked.add(e.lockout(key, now, e.lockedUntil)));
        locked.sort(Comparator.comparing(Lockout::until).reversed());
        return locked;
    }

    /** Forgets a key's failures and lockout; whether it had any. */
    public boolean unlock(String key) {
        return store.remove(List.of(key)) > 0;
    }

    /** Forgets everything (tests). */
    public void clear() {
        store.clear();
    }

    private void count(Map<String, Entry> entries, String key, int max, Instant now, List<Lockout> locked) {
        Entry e = entries.get(key);
        if (e == null || e.forgotten(now, settings.maxLockout())) {
            e = new Entry();
            entries.put(key, e);
        }
        e.lastFailure = now;
        e.failures++;
        if (e.failures >= max) {
            e.lockouts++;
            Instant until = now.plus(lockoutFor(e.lockouts));
            e.lockedUntil = until;
            locked.add(e.lockout(key, now, until));
        }
    }

    /** The {@code n}th lockout in a row lasts {@code base * 2^(n-1)}, at most {@code max}. */
    Duration lockoutFor(int n) {
        Duration d = settings.baseLockout();
        for (int i = 1; i < n && d.compareTo(settings.maxLockout()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxLockout()) > 0 ? settings.maxLockout() : d;
    }

    /** One key's consecutive failures, lockouts in a row, last failure and lockout end. */
    static final class Entry {
        int failures;
        int lockouts;
        Instant lastFailure = Instant.EPOCH;
        @Nullable Instant lockedUntil;

        Entry() {}

        Entry(int failures, int lockouts, Instant lastFailure, @Nullable Instant lockedUntil) {
            this.failures = failures;
            this.lockouts = lockouts;
            this.lastFailure = lastFailure;
            this.lockedUntil = lockedUntil;
        }

        /** No failure and no lockout for {@code idle}: as if it never failed. */
        boolean forgotten(Instant now, Duration idle) {
            Instant quietSince = lockedUntil != null && lockedUntil.isAfter(lastFailure) ? lockedUntil : lastFailure;
            return !quietSince.plus(idle).isAfter(now);
        }

        Lockout lockout(String key, Instant now, Instant until) {
            return new Lockout(key, failures, lockouts, until, secondsUp(Duration.between(now, until)));
        }
    }

    /** Whole seconds, rounded up: "try again in 0 s" is never said while still locked. */
    public static long secondsUp(Duration d) {
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }
}
