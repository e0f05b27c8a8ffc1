package dev.ditto.testing;

import dev.ditto.db.testing.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a Spring context at the build's shared PostgreSQL and Elasticsearch, with a schema, an index prefix
 * and a data folder of its own, so contexts never see each other's data.
 */
public class SharedInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        var pg = SharedInfrastructure.database();
        var schema = SharedInfrastructure.newEmptySchema();
        try {
            var dataDir = Files.createTempDirectory("ditto-it-");
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("ditto-shared-infrastructure", Map.of(
                    "ditto.db.url", pg.jdbcUrl(),
                    "ditto.db.username", pg.username(),
                    "ditto.db.password", pg.password(),
                    "ditto.db.schema", schema.name(),
                    "ditto.search.url", searchUrl(context),
                    "ditto.search.index-prefix", SharedInfrastructure.newIndexPrefix(),
                    "ditto.data-dir", dataDir.toString(),
                    "ditto.demo.enabled", "false",
                    "ditto.security.admin-password", "admin-test-password")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Elasticsearch the context uses: the shared node, unless a subclass brings its own cluster. */
    protected String searchUrl(ConfigurableApplicationContext context) {
        return SharedInfrastructure.elasticsearch().url();
    }
}
