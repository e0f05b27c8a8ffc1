package dev.ditto.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
 */
public final class JobArrivals implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobArrivals.class);

    private final DataSource dataSource;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private long generation;
    private volatile boolean running;
    private @Nullable Thread listener;

    public JobArrivals(DataSource dataSource) {
        this.dataSource = dataSource;
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

    /** Waits until something arrived after {@code stamp}, or {@code maxNanos} passed. */
    public void awaitAfter(long stamp, long maxNanos) throws InterruptedException {
        lock.lock();
        try {
            long remaining = maxNanos;
            while (generation == stamp && remaining > 0) {
                remaining = arrived.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many claims are waiting for an arrival right now. */
    public int waiting() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(arrived);
        } finally {
            lock.unlock();
        }
    }

    /** Something may have become claimable. */
    public void signal() {
        lock.lock();
        try {
            generation++;
            arrived.signalAll();
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
                        PGNotification[] notifications = pg.getNotifications(1000);
                        if (notifications != null && notifications.length > 0) {
                            signal();
                        }
                    }
                } finally {
                    try (Statement s = connection.createStatement()) {
                        s.execute("UNLISTEN *");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Listening for new jobs failed ({}); waiting claims fall back to polling until it recovers",
                            e.getMessage());
                    sleepQuietly();
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
