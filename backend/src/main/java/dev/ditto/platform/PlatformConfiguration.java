package dev.ditto.platform;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ditto.db.Migrations;
import dev.ditto.db.embedded.EmbeddedPostgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires PostgreSQL (migrated at start-up), Elasticsearch and the clock. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DittoProperties.class)
public class PlatformConfiguration {

    /** Background workers' failed runs: one line per database outage turn, stack traces for the rest. */
    @Bean
    org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer backgroundTaskErrors() {
        return scheduler -> scheduler.setErrorHandler(new BackgroundTaskErrors());
    }

    @Bean
    EmbeddedInfrastructure embeddedInfrastructure(DittoProperties properties) {
        return new EmbeddedInfrastructure(properties);
    }

    /** The file systems' free space ({@code FileStore.getUsableSpace()}); tests replace it to make a folder look full. */
    @Bean
    FreeSpace freeSpace() {
        return FreeSpace.FILE_STORE;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DittoProperties properties, EmbeddedInfrastructure infrastructure) {
        HikariConfig config = new HikariConfig();
        EmbeddedPostgres pg = infrastructure.postgres();
        if (pg != null) {
            config.setJdbcUrl(pg.jdbcUrl(EmbeddedInfrastructure.EMBEDDED_DATABASE));
            config.setUsername(pg.username());
            config.setPassword(pg.password());
        } else {
            config.setJdbcUrl(properties.db().url());
            config.setUsername(properties.db().username());
            config.setPassword(properties.db().password());
        }
        config.setSchema(properties.db().schema());
        config.setMaximumPoolSize(properties.db().poolSize());
        Integer minIdle = properties.db().minIdle();
        if (minIdle != null) {
            if (minIdle < 0 || minIdle > properties.db().poolSize()) {
                throw new IllegalArgumentException("ditto.db.min-idle must be between 0 and ditto.db.pool-size ("
                        + properties.db().poolSize() + "), was " + minIdle);
            }
            config.setMinimumIdle(minIdle);
            // Hikari retires idle connections above the minimum after this long (it does not go below 10 s)
            config.setIdleTimeout(Math.max(10_000, properties.db().idleTimeout().toMillis()));
        }
        config.setPoolName("ditto");
        long timeoutMs = properties.db().connectionTimeout().toMillis();
        if (timeoutMs < 250) {
            throw new IllegalArgumentException("ditto.db.connection-timeout must be at least 250ms, was " + properties.db().connectionTimeout());
        }
        config.setConnectionTimeout(timeoutMs);
        config.setValidationTimeout(Math.max(250, timeoutMs * 2 / 3)); // below the connection timeout, as Hikari requires
        config.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(config);
        String where = pg != null ? "the embedded PostgreSQL on port " + pg.port() : "PostgreSQL at " + properties.db().url();
        try (Connection c = ds.getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            ds.close();
            throw new InfrastructureUnavailableException("PostgreSQL", where + " is unreachable",
                    "Check that the server runs and that ditto.db.url, ditto.db.username and ditto.db.password are right "
                            + "(or unset ditto.db.url to use the embedded PostgreSQL).", e);
        }
        Migrations.migrate(ds, properties.db().schema());
        return ds;
    }

    @Bean(destroyMethod = "close")
    Rest5Client elasticsearchRestClient(DittoProperties properties, EmbeddedInfrastructure infrastructure) {
        var es = infrastructure.elasticsearch();
        String url = es != null ? es.url() : properties.search().url();
        return restClient(url, properties.search().apiKey(), properties.search().requestTimeout());
    }

    /**
     * The low-level client every Elasticsearch call goes through. It waits for an answer without limit by default,
     * so a hung node would hold every caller: {@code requestTimeout} bounds each wait. {@code url} may name several
     * nodes of one cluster, comma-separated: requests go round-robin to the nodes, and a node that refuses or drops a
     * connection is left out (and retried later) while the request goes to the next one, so losing one node loses
     * no request that another node can answer.
     */
    public static Rest5Client restClient(String url, @Nullable String apiKey, Duration requestTimeout) {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("ditto.search.request-timeout must be positive, was " + requestTimeout);
        }
        var builder = Rest5Client.builder(nodes(url))
                .setRequestConfigCallback(c -> c.setResponseTimeout(Timeout.of(requestTimeout)));
        if (apiKey != null && !apiKey.isBlank()) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey)});
        }
        return builder.build();
    }

    /** The nodes of {@code ditto.search.url}: one URL, or several separated by commas (blanks around them ignored). */
    public static List<URI> nodes(String url) {
        List<URI> nodes = new ArrayList<>();
        for (String part : url.split(",")) {
            String node = part.strip();
            if (node.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(node);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ditto.search.url: '" + node + "' is not a URL", e);
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("ditto.search.url: '" + node
                        + "' is not an http(s) URL with a host (expected e.g. http://es-1:9200,http://es-2:9200)");
            }
            nodes.add(uri);
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("ditto.search.url names no node: '" + url + "'");
        }
        return nodes;
    }

    @Bean
    ElasticsearchClient elasticsearchClient(Rest5Client restClient, DittoProperties properties,
                                            EmbeddedInfrastructure infrastructure) {
        ElasticsearchClient client = new ElasticsearchClient(new Rest5ClientTransport(restClient, new Jackson3JsonpMapper()));
        if (infrastructure.elasticsearch() != null) {
            return client; // the embedded node starts once the server is ready (EmbeddedInfrastructure); a configured cluster is checked now
        }
        try {
            client.cluster().health(h -> h.timeout(t -> t.time("5s")));
        } catch (Exception e) {
            throw new InfrastructureUnavailableException("Elasticsearch",
                    "the cluster at " + restClient.getNodes() + " is unreachable",
                    "Check that it runs and that ditto.search.url and ditto.search.api-key are right "
                            + "(or unset ditto.search.url to use the embedded Elasticsearch).", e);
        }
        return client;
    }
}
