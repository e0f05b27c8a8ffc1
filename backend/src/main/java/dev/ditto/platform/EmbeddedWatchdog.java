package dev.ditto.platform;

import java.util.concurrent.CompletableFuture;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Looks after the embedded servers: when the embedded PostgreSQL's postmaster has exited it is started again
 * ({@link EmbeddedInfrastructure#revivePostgres}, every {@code ditto.db.embedded-watchdog-ms}, default 5 s); when
 * Elasticsearch's process has exited, it is started again ({@link EmbeddedInfrastructure#reviveElasticsearch}) and
 * {@link ElasticsearchRestarted} is published, so the search index can be warmed again. When the server is ready it
 * starts the embedded node ({@link EmbeddedInfrastructure#startElasticsearch}), and publishes
 * {@link ElasticsearchRestarted} when that node answers.
 */
@Component
class EmbeddedWatchdog {
    private final EmbeddedInfrastructure infrastructure;
    private final ApplicationEventPublisher events;

    EmbeddedWatchdog(EmbeddedInfrastructure infrastructure, ApplicationEventPublisher events) {
        this.infrastructure = infrastructure;
        this.events = events;
    }

    @EventListener(ApplicationReadyEvent.class)
    void serverReady() {
        infrastructure.startElasticsearch();
        CompletableFuture<Void> up = infrastructure.elasticsearchUp();
        if (!up.isDone()) {
            up.thenRun(() -> events.publishEvent(new ElasticsearchRestarted()));
        }
    }

    @Scheduled(fixedDelayString = "${ditto.db.embedded-watchdog-ms:5000}",
            initialDelayString = "${ditto.db.embedded-watchdog-ms:5000}")
    void checkPostgres() {
        infrastructure.revivePostgres();
    }

    @Scheduled(fixedDelayString = "${ditto.search.embedded-watchdog-ms:10000}",
            initialDelayString = "${ditto.search.embedded-watchdog-ms:10000}")
    void check() {
        if (infrastructure.reviveElasticsearch()) {
            events.publishEvent(new ElasticsearchRestarted());
        }
    }
}
