package dev.ditto.db.testing;

import dev.ditto.db.Migrations;
import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.db.embedded.EmbeddedS3Proxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one real PostgreSQL, Elasticsearch and S3 server (s3proxy) every integration test in the build shares. Started by the
 * first test that needs them (in any module's JVM) under {@code <project>/target/test-infra}, reused by the
 * rest; when the build that used them ends, {@link TestServersReaper} drops the schemas, indices and buckets the tests
 * recorded and stops them ({@code -Dditto.test.keep-servers=true} keeps them running between builds). Each test gets its
 * own schema and index prefix.
 */
public final class SharedInfrastructure {
    public static final String DATABASE = "ditto_test";
    private static final int PG_PORT = Integer.getInteger("ditto.test.pg-port", 54329);
    private static final int ES_PORT = Integer.getInteger("ditto.test.es-port", 9279);
    private static final int S3_PORT = Integer.getInteger("ditto.test.s3-port", 9479);

    private static EmbeddedPostgres postgres;
    private static EmbeddedElasticsearch elasticsearch;
    private static EmbeddedS3Proxy s3proxy;

    private SharedInfrastructure() {}

    /** The folder holding the shared servers' files. */
    public static Path root() {
        String configured = System.getProperty("ditto.test.root");
        Path project = configured != null ? Path.of(configured) : findProjectRoot();
        return project.resolve("target/test-infra").toAbsolutePath();
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            TestServersReaper.register(root(), PG_PORT, ES_PORT, S3_PORT);
            try {
                postgres = EmbeddedPostgres.start(root(), PG_PORT);
                postgres.createDatabaseIfMissing(DATABASE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SQLException e) {
                throw new IllegalStateException("could not create the test database", e);
            }
        }
        return postgres;
    }

    public static synchronized EmbeddedElasticsearch elasticsearch() {
        if (elasticsearch == null) {
            TestServersReaper.register(root(), PG_PORT, ES_PORT, S3_PORT);
            try {
                elasticsearch = EmbeddedElasticsearch.start(root(), EmbeddedElasticsearch.defaultDistribution(), ES_PORT, 768);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return elasticsearch;
    }

    /** The shared S3-compatible server (s3proxy); credentials {@link EmbeddedS3Proxy#IDENTITY}/{@link EmbeddedS3Proxy#CREDENTIAL}. */
    public static synchronized EmbeddedS3Proxy s3proxy() {
        if (s3proxy == null) {
            TestServersReaper.register(root(), PG_PORT, ES_PORT, S3_PORT);
            try {
                s3proxy = EmbeddedS3Proxy.start(root(), EmbeddedS3Proxy.defaultJar(), S3_PORT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s3proxy;
    }

    /** A fresh bucket name (S3 rules: lower case, 3–63 characters), so tests never see each other's objects. */
    public static String newBucketName() {
        String name = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        TestServersReaper.record(root(), TestServersReaper.BUCKETS, name);
        return name;
    }

    /** A new, empty, fully migrated schema of its own. */
    public static IsolatedSchema newMigratedSchema() {
        IsolatedSchema schema = newEmptySchema();
        Migrations.migrate(schema.dataSource(), schema.name());
        return schema;
    }

    /** A new schema name with nothing in it yet (Flyway creates it on first migrate). */
    public static IsolatedSchema newEmptySchema() {
        TestDatabase db = database();
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestServersReaper.record(root(), TestServersReaper.SCHEMAS, name);
        return new IsolatedSchema(name, db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + name,
                db.username(), db.password());
    }

    /**
     * The database the tests use: the shared embedded PostgreSQL, or, when {@code -Dditto.test.db-url} is given (a JDBC
     * URL of an existing database, e.g. on Debian's {@code postgresql} package), that server with
     * {@code -Dditto.test.db-user} and {@code -Dditto.test.db-password}: how the "any PostgreSQL 15+" claim is checked.
     */
    public static TestDatabase database() {
        String url = System.getProperty("ditto.test.db-url", "");
        if (!url.isBlank()) {
            TestServersReaper.register(root(), PG_PORT, ES_PORT, S3_PORT);
            String user = System.getProperty("ditto.test.db-user", "");
            return new TestDatabase(url, user.isBlank() ? "ditto" : user, System.getProperty("ditto.test.db-password", ""));
        }
        EmbeddedPostgres pg = postgres();
        return new TestDatabase(pg.jdbcUrl(DATABASE), pg.username(), pg.password());
    }

    /** Where a test database is and how to sign in to it. */
    public record TestDatabase(String jdbcUrl, String username, String password) {}

    /** A fresh index prefix, so tests never see each other's indices. */
    public static String newIndexPrefix() {
        String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT) + "-";
        TestServersReaper.record(root(), TestServersReaper.INDEX_PREFIXES, prefix);
        return prefix;
    }

    private static Path findProjectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("ditto")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return dir;
    }

    /** A schema of the shared test database. */
    public record IsolatedSchema(String name, String jdbcUrl, String username, String password) {
        public DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl);
            ds.setUser(username);
            ds.setPassword(password);
            return ds;
        }

        public Connection connect() throws SQLException {
            return dataSource().getConnection();
        }
    }
}
