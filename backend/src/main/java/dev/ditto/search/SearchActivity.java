package dev.ditto.search;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Searches in flight on this server, and when the last one ran, so background indexing can step aside for the people
 * waiting on a search: the outbox indexer holds each batch while a search runs, up to
 * {@code ditto.search.indexer.yield-to-searches}, and keeps to {@code ditto.search.indexer.rate-while-searching}
 * while people have searched in the last {@link #RECENTLY}.
 */
@Component
public class SearchActivity {
    /** How long after a search the indexer still counts people as searching. */
    static final Duration RECENTLY = Duration.ofSeconds(5);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object quiet = new Object();
    private final java.util.function.LongSupplier nanoClock;
    private volatile long lastActiveNanos;
    private volatile boolean everActive;

    public SearchActivity() {
        this(System::nanoTime);
    }

    SearchActivity(java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Marks a search as running until the returned handle is closed. */
    Running begin() {
        inFlight.incrementAndGet();
        touch();
        return () -> {
            touch();
            if (inFlight.decrementAndGet() == 0) {
                synchronized (quiet) {
                    quiet.notifyAll();
                }
            }
        };
    }

    private void touch() {
        lastActiveNanos = nanoClock.getAsLong();
        everActive = true;
    }

    /** Whether a search runs now or ran within {@code window}. */
    boolean searchedWithin(Duration window) {
        return inFlight.get() > 0 || everActive && nanoClock.getAsLong() - lastActiveNanos <= window.toNanos();
    }

    /** Searches running now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Waits until no search runs, at most {@code max}; returns how long it waited. */
    Duration awaitQuiet(Duration max) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        synchronized (quiet) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                quiet.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A running search; closing it ends it. */
    @FunctionalInterface
    interface Running extends AutoCloseable {
        @Override
        void close();
    }
}
