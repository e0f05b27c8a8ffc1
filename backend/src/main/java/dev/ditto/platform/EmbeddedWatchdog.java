package dev.ditto.platform;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Looks after the embedded Elasticsearch: when its process has exited, it is started again (see
 * {@link EmbeddedInfrastructure#reviveElasticsearch}) and {@link ElasticsearchRestarted} is published, so the search
 * index can be warmed again.
 */
@Component
class EmbeddedWatchdog {
    private final EmbeddedInfrastructure infrastructure;
    private final ApplicationEventPublisher events;

    EmbeddedWatchdog(EmbeddedInfrastructure infrastructure, ApplicationEventPublisher events) {
        this.infrastructure = infrastructure;
        this.events = events;
    }

    @Scheduled(fixedDelayString = "${ditto.search.embedded-watchdog-ms:10000}",
            initialDelayString = "${ditto.search.embedded-watchdog-ms:10000}")
    void check() {
        if (infrastructure.reviveElasticsearch()) {
            events.publishEvent(new ElasticsearchRestarted());
        }
    }
}
