package dev.ditto.db.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.db.embedded.EmbeddedS3Proxy;
import dev.ditto.db.embedded.ServerFolder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reaper leaves the servers alone while the build that uses them runs, and once it has ended drops the schemas and
 * buckets the tests recorded and stops PostgreSQL and s3proxy: a {@code ./mvnw verify} leaves nothing running.
 */
class TestServersReaperIT {
    @Test
    void serversRunWhileTheBuildRunsAndAreCleanedAndStoppedWhenItEnds() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "reaper-");
        int pgPort = freePort();
        int s3Port = freePort();
        Process build = new ProcessBuilder("sleep", "600").start();
        try {
            TestServersReaper.register(root, pgPort, freePort(), s3Port, build.pid());
            EmbeddedPostgres pg = EmbeddedPostgres.start(root, pgPort);
            pg.createDatabaseIfMissing(SharedInfrastructure.DATABASE);
            EmbeddedS3Proxy s3 = EmbeddedS3Proxy.start(root, EmbeddedS3Proxy.defaultJar(), s3Port);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(SharedInfrastructure.DATABASE), pg.username(), pg.password());
                 var st = c.createStatement()) {
                st.execute("create schema t_reaped1");
                st.execute("create schema kept_by_user");
            }
            TestServersReaper.record(root, TestServersReaper.SCHEMAS, "t_reaped1");
            Files.createDirectories(s3.dataDir().resolve("t-reaped1"));
            TestServersReaper.record(root, TestServersReaper.BUCKETS, "t-reaped1");
            Path postmaster = ServerFolder.existing(root).resolve("postgres/postmaster.pid");
            Path s3Pid = root.resolve("s3proxy/s3proxy.pid");

            await("servers kept while the build runs").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(postmaster) && Files.exists(s3Pid));

            build.destroy();
            await("servers stopped once the build ended").atMost(Duration.ofSeconds(90))
                    .until(() -> !Files.exists(postmaster) && !Files.exists(s3Pid) && !Files.exists(root.resolve("reaper.pid")));
            assertThat(s3.dataDir().resolve("t-reaped1")).as("recorded bucket deleted").doesNotExist();
            assertThat(Files.readString(root.resolve("reaper.log"))).contains("dropped 1 schemas");

            try (EmbeddedPostgres again = EmbeddedPostgres.start(root, pgPort);
                 Connection c = DriverManager.getConnection(again.jdbcUrl(SharedInfrastructure.DATABASE), again.username(), again.password());
                 var st = c.createStatement();
                 var rs = st.executeQuery("select string_agg(nspname, ',' order by nspname) from pg_namespace where nspname in ('t_reaped1', 'kept_by_user')")) {
                rs.next();
                assertThat(rs.getString(1)).as("the recorded schema dropped, any other kept").isEqualTo("kept_by_user");
            }
        } finally {
            build.destroyForcibly();
            dev.ditto.db.embedded.EmbeddedServers.stopAll(root);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
