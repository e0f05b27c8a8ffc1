package dev.ditto.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Wakes waiting claims when a job becomes claimable: one connection LISTENs to the per-schema channel that
 * V2's trigger notifies (from any server replica), and waiters block on an in-process condition, never on a
 * database connection.
 *
 * <p>An arrival wakes <em>one</em> waiter of each kind (the job types it asked for); a waiter that then claims a job
 * wakes the next one of its kind ({@link #passOn}), since more may have arrived, and a waiter that finds nothing
 * ends the chain. So an arrival costs about two claim queries whether 5 or 5,000 runners wait (waking them all cost
 * one query each: 5,000 per job). Every {@code tick}, one waiter of each kind looks again anyway: jobs whose retry
 * back-off ended (no notification says so) and notifications missed while the listening connection was down.
 */
public final class JobArrivals implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobArrivals.class);

    private final DataSource dataSource;
    private final long tickNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** The waiters of each kind of claim, in arrival order (a condition wakes its longest waiter first). */
    private final Map<Object, Condition> waiters = new HashMap<>();
    private long generation;
    private volatile long lastTick = System.nanoTime();
    private volatile boolean running;
    private @Nullable Thread listener;

    public JobArrivals(DataSource dataSource, Duration tick) {
        this.dataSource = dataSource;
        this.tickNanos = tick.toNanos();
    }

    /** A stamp to pass to {@link #awaitAfter}: read it before looking at the queue, so no arrival is missed. */
    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, as a waiter of {@code kind}, until it is woken for something that arrived after {@code stamp} (true:
     * look at the queue again) or {@code maxNanos} passed without that (false: nothing was handed to this waiter).
     */
    public boolean awaitAfter(Object kind, long stamp, long maxNanos) throws InterruptedException {
        lock.lock();
        try {
            Condition arrived = waiters.computeIfAbsent(kind, k -> lock.newCondition());
            long remaining = maxNanos;
            while (generation == stamp && remaining > 0) {
                remaining = arrived.awaitNanos(remaining);
            }
            // a wake-up that came as the wait ran out may read as a time-out: the next tick hands it on again
            return generation != stamp && remaining > 0;
        } finally {
            lock.unlock();
        }
    }

    /** How many claims are waiting for an arrival right now. */
    public int waiting() {
        lock.lock();
        try {
            int n = 0;
            for (Condition c : waiters.values()) {
                n += lock.getWaitQueueLength(c);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Something may have become claimable: wakes one waiter of each kind. */
    public void signal() {
        lock.lock();
        try {
            generation++;
            waiters.values().forEach(Condition::signal);
        } finally {
            lock.unlock();
        }
    }

    /** A waiter of {@code kind} claimed a job (or gave up a wake-up it could not use): wakes the next one of its kind. */
    public void passOn(Object kind) {
        lock.lock();
        try {
            Condition c = waiters.get(kind);
            if (c != null && lock.hasWaiters(c)) {
                generation++;
                c.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().daemon().name("ditto-job-arrivals").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = listener;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void tickIfDue() {
        long now = System.nanoTime();
        if (now - lastTick >= tickNanos) {
            lastTick = now;
            signal();
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                String channel = "ditto_jobs_" + currentSchema(connection);
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                signal(); // anything that arrived while we were not listening
                try {
                    while (running) {
                        PGNotification[] notifications = pg.getNotifications((int) Math.max(1, Math.min(1000, tickNanos / 1_000_000)));
                        if (notifications != null && notifications.length > 0) {
                            signal();
                        }
                        tickIfDue();
                    }
                } finally {
                    if (running) { // when stopping, the pool is closing under this connection: it is dropped, not reused
                        try (Statement s = connection.createStatement()) {
                            s.execute("UNLISTEN *");
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Listening for new jobs failed ({}); waiting claims fall back to polling until it recovers",
                            e.getMessage());
                    sleepQuietly();
                    tickIfDue();
                }
            }
        }
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); var rs = s.executeQuery("select current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void sleepQuietly() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
