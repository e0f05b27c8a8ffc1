package dev.ditto.users;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * <p>State is in memory: one server, forgotten on restart. Unknown usernames are counted like known ones.
 */
public final class LoginThrottle {
    static final String ACCOUNT = "account:";
    static final String ADDRESS = "address:";
    /** Above this many keys, forgotten ones are dropped at the next failure. */
    static final int PURGE_ABOVE = 10_000;

    private final Settings settings;
    private final Clock clock;
    private final LockListener listener;
    private final Map<String, Entry> entries = new HashMap<>();

    public LoginThrottle(Settings settings, Clock clock, LockListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
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

    private synchronized Optional<Duration> refusal(List<String> keys) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (String key : keys) {
            Entry e = entries.get(key);
            Instant until = e == null ? null : e.lockedUntil;
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
        synchronized (this) {
            Instant now = clock.instant();
            if (entries.size() > PURGE_ABOVE) {
                purge(now);
            }
            limits.forEach(limit -> count(limit.getKey(), limit.getValue(), now, locked));
        }
        locked.forEach(listener::locked); // outside the lock: the listener writes to the database
    }

    /** A good API token from {@code address}: the address starts over, as after a right password. */
    public synchronized void succeededFromAddress(String address) {
        entries.remove(addressKey(address));
    }

    /** The right password: the account and the address start over. */
    public synchronized void succeeded(String username, String address) {
        entries.remove(accountKey(username));
        entries.remove(addressKey(address));
    }

    /** The keys locked now, longest-locked first. */
    public synchronized List<Lockout> lockouts() {
        Instant now = clock.instant();
        List<Lockout> locked = new ArrayList<>();
        entries.forEach((key, e) -> {
            Instant until = e.lockedUntil;
            if (until != null && until.isAfter(now)) {
                locked.add(e.lockout(key, now, until));
            }
        });
        locked.sort(Comparator.comparing(Lockout::until).reversed());
        return locked;
    }

    /** Forgets a key's failures and lockout; whether it had any. */
    public synchronized boolean unlock(String key) {
        return entries.remove(key) != null;
    }

    /** Forgets everything (tests). */
    public synchronized void clear() {
        entries.clear();
    }

    private void count(String key, int max, Instant now, List<Lockout> locked) {
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

    private void purge(Instant now) {
        entries.values().removeIf(e -> e.forgotten(now, settings.maxLockout()));
    }

    private static final class Entry {
        int failures;
        int lockouts;
        Instant lastFailure = Instant.EPOCH;
        @Nullable Instant lockedUntil;

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
