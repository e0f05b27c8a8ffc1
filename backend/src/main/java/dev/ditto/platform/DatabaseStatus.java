package dev.ditto.platform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Whether PostgreSQL answers now, for the dashboard: checked every {@code ditto.db.status-check-ms} (2 s) with the
 * time-boxed {@code postgresql} health check (never longer than its 1 s box), and told to whoever listens when it
 * changes, so every open page shows a banner while the database is away and hides it when it is back, instead of
 * failing click by click.
 */
@Component
public class DatabaseStatus {
    private static final Logger log = LoggerFactory.getLogger(DatabaseStatus.class);

    private final HealthIndicator postgresql;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;

    DatabaseStatus(@Qualifier("postgresql") HealthIndicator postgresql) {
        this.postgresql = postgresql;
    }

    /** Whether the last check reached PostgreSQL. */
    public boolean available() {
        return available;
    }

    /**
     * Calls {@code listener} with the new state at every change (on the checking thread); the returned handle
     * removes it.
     */
    public Runnable subscribe(Consumer<Boolean> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Scheduled(fixedDelayString = "${ditto.db.status-check-ms:2000}", initialDelayString = "${ditto.db.status-check-ms:2000}")
    void check() {
        var health = postgresql.health(false);
        boolean now = health != null && Status.UP.equals(health.getStatus());
        if (now != available) {
            available = now;
            log.info("PostgreSQL is {} (dashboard banner {})", now ? "reachable again" : "unavailable", now ? "hidden" : "shown");
            for (Consumer<Boolean> listener : listeners) {
                try {
                    listener.accept(now);
                } catch (RuntimeException e) {
                    log.debug("A database status listener failed: {}", e.getMessage());
                }
            }
        }
    }
}
