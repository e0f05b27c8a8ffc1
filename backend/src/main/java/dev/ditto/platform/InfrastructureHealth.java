package dev.ditto.platform;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code /actuator/health} components {@code postgresql} and {@code elasticsearch}. */
@Configuration(proxyBeanMethods = false)
class InfrastructureHealth {

    @Bean
    HealthIndicator postgresql(DataSource dataSource) {
        return () -> {
            try (Connection c = dataSource.getConnection()) {
                var meta = c.getMetaData();
                return Health.up().withDetail("version", meta.getDatabaseProductVersion())
                        .withDetail("schema", c.getSchema()).build();
            } catch (Exception e) {
                return Health.down(e).build();
            }
        };
    }

    @Bean
    HealthIndicator elasticsearch(ElasticsearchClient client) {
        return () -> {
            try {
                HealthResponse health = client.cluster().health();
                Health.Builder builder = health.status() == HealthStatus.Red ? Health.down() : Health.up();
                return builder.withDetail("cluster", health.clusterName())
                        .withDetail("status", health.status().jsonValue())
                        .withDetail("nodes", health.numberOfNodes()).build();
            } catch (Exception e) {
                return Health.down(e).build();
            }
        };
    }
}
