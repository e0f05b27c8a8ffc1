package dev.ditto.platform;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Looks after the embedded Elasticsearch: when its process has exited, it is started again (see {@link EmbeddedInfrastructure#reviveElasticsearch}). */
@Component
class EmbeddedWatchdog {
    private final EmbeddedInfrastructure infrastructure;

    EmbeddedWatchdog(EmbeddedInfrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    @Scheduled(fixedDelayString = "${ditto.search.embedded-watchdog-ms:10000}",
            initialDelayString = "${ditto.search.embedded-watchdog-ms:10000}")
    void check() {
        infrastructure.reviveElasticsearch();
    }
}
