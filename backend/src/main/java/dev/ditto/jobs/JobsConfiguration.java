package dev.ditto.jobs;

import dev.ditto.audit.AuditLog;
import dev.ditto.platform.DittoProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/** Wires the PostgreSQL job queue, its wake-ups for long-polling claims, the lease reaper's schedule and metrics. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(QueueProperties.class)
class JobsConfiguration {

    @Bean
    JobQueue jobQueue(JdbcClient jdbc, PlatformTransactionManager transactions, ObjectMapper json, Clock clock,
                      DittoProperties properties, QueueProperties queue, ObjectProvider<JobResultHandler> handlers,
                      AuditLog audit) {
        return new PostgresJobQueue(jdbc, new TransactionTemplate(transactions), json, clock, properties.runner(), queue,
                () -> handlers.orderedStream().toList(), audit);
    }

    @Bean
    JobArrivals jobArrivals(DataSource dataSource, QueueProperties properties) {
        return new JobArrivals(dataSource, Duration.ofMillis(properties.claimPollMs()));
    }

    @Bean
    ClaimLongPoll claimLongPoll(JobQueue queue, JobArrivals arrivals) {
        return new ClaimLongPoll(queue, arrivals);
    }

    @Bean
    QueueMetrics queueMetrics(JobQueue queue, ObjectProvider<MeterRegistry> registry) {
        return new QueueMetrics(queue, registry.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new));
    }
}
