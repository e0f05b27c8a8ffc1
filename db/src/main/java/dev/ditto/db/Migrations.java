package dev.ditto.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the platform's Flyway migrations ({@code classpath:db/migration}) to a schema. */
public final class Migrations {
    private Migrations() {}

    /** Migrates {@code schema} (created if missing) to the latest version; returns how many migrations ran. */
    public static int migrate(DataSource dataSource, String schema) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
