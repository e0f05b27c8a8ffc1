package dev.ditto.search;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How far the index trails PostgreSQL: outbox events not yet indexed, how many of them already failed at least once,
 * the age of the oldest, and the newest error.
 */
public record IndexLag(long pendingEvents, long failingEvents, @Nullable Duration oldestPendingAge,
                       @Nullable String lastError) {

    /** Whether the index has caught up. */
    public boolean caughtUp() {
        return pendingEvents == 0;
    }
}
