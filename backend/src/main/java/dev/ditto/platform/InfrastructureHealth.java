package dev.ditto.platform;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * {@code /actuator/health} components {@code postgresql} and {@code elasticsearch}, and the groups a load balancer
 * and a supervisor ask ({@code ditto-health.properties}): {@code /actuator/health/liveness} (the JVM and
 * PostgreSQL) and {@code /actuator/health/readiness} (what serving requests needs: PostgreSQL, not
 * Elasticsearch). Elasticsearch down or hanging is {@value #DEGRADED}, answered 200: search and near-duplicate checks
 * suffer, everything else works. Every check is time-boxed ({@code ditto.health.check-timeout}, 1 s), so
 * every health answer comes within 2 s whatever hangs.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:ditto-health.properties")
class InfrastructureHealth {
    static final String DEGRADED = "DEGRADED";

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService healthChecks() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("health-check-", 0).factory());
    }

    /** The time-boxed checks, started together by any health answer. */
    @Bean
    TimeBoxedCheck.Round healthRound() {
        return new TimeBoxedCheck.Round();
    }

    @Bean
    HealthIndicator postgresql(DataSource dataSource, ExecutorService healthChecks, TimeBoxedCheck.Round healthRound,
                               @Value("${ditto.health.check-timeout:1s}") Duration timeout) {
        return new TimeBoxedCheck(() -> {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isValid(Math.max(1, (int) timeout.toSeconds()))) { // a round trip: metadata alone is cached
                    return Health.down().withDetail("error", "PostgreSQL did not answer a validation query").build();
                }
                var meta = c.getMetaData();
                return Health.up().withDetail("version", meta.getDatabaseProductVersion())
                        .withDetail("schema", c.getSchema()).build();
            } catch (Exception e) {
                return Health.down().withDetail("error", String.valueOf(e.getMessage())).build();
            }
        }, timeout, why -> Health.down().withDetail("error", "PostgreSQL: " + why).build(), healthChecks, healthRound);
    }

    @Bean
    HealthIndicator elasticsearch(ElasticsearchClient client, ExecutorService healthChecks, TimeBoxedCheck.Round healthRound,
                                  @Value("${ditto.health.check-timeout:1s}") Duration timeout) {
        return new TimeBoxedCheck(() -> {
            try {
                HealthResponse health = client.cluster().health();
                Health.Builder builder = health.status() == HealthStatus.Red ? degraded() : Health.up();
                return builder.withDetail("cluster", health.clusterName())
                        .withDetail("status", health.status().jsonValue())
                        .withDetail("nodes", health.numberOfNodes()).build();
            } catch (Exception e) {
                return degraded().withDetail("error", String.valueOf(e.getMessage())).build();
            }
        }, timeout, why -> degraded().withDetail("error", "Elasticsearch: " + why).build(), healthChecks, healthRound);
    }

    private static Health.Builder degraded() {
        return Health.status(new Status(DEGRADED, "search and near-duplicate checks are impaired; the rest of the server works"));
    }
}
