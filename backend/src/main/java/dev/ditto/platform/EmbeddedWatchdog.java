package dev.ditto.platform;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Looks after the embedded servers: when the embedded PostgreSQL's postmaster has exited it is started again
 * ({@link EmbeddedInfrastructure#revivePostgres}, every {@code ditto.db.embedded-watchdog-ms}, default 5 s); when
 * Elasticsearch's process has exited, it is started again ({@link EmbeddedInfrastructure#reviveElasticsearch}) and
 * {@link ElasticsearchRestarted} is published, so the search index can be warmed again.
 */
@Component
class EmbeddedWatchdog {
    private final EmbeddedInfrastructure infrastructure;
    private final ApplicationEventPublisher events;

    EmbeddedWatchdog(EmbeddedInfrastructure infrastructure, ApplicationEventPublisher events) {
        this.infrastructure = infrastructure;
        this.events = events;
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
