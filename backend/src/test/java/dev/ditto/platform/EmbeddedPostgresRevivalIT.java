package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.db.embedded.ServerFolder;
import dev.ditto.db.testing.SharedInfrastructure;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The embedded PostgreSQL's postmaster killed with SIGKILL is started again by the watchdog's check on the same data:
 * every committed row is still there; a clean stop then leaves no postmaster, also when the server had reused one it
 * found running.
 */
class EmbeddedPostgresRevivalIT {

    @Test
    void aKilledPostmasterIsStartedAgainWithItsDataAndACleanStopLeavesNoProcess() throws Exception {
        Path root = SharedInfrastructure.root().resolveSibling("pg-revival");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        DittoProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "ditto.data-dir", root.toString(),
                "ditto.search.url", "http://127.0.0.1:1", // only PostgreSQL is embedded here
                "ditto.db.embedded-port", String.valueOf(port)))).bind("ditto", DittoProperties.class).get();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure(properties);
        EmbeddedPostgres pg = infrastructure.postgres();
        try {
            String url = pg.jdbcUrl("postgres");
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password()); var st = c.createStatement()) {
                st.execute("drop table if exists revival");
                st.execute("create table revival (id int primary key, what text)");
                st.execute("insert into revival values (1, 'committed before the kill')");
            }
            assertThat(infrastructure.revivePostgres()).as("a running server is left alone").isFalse();

            long pid = Long.parseLong(Files.readAllLines(ServerFolder.existing(root).resolve("postgres/postmaster.pid")).getFirst().strip());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get(60, TimeUnit.SECONDS);
            assertThat(pg.running()).isFalse();

            assertThat(infrastructure.revivePostgres()).as("a postmaster that exited is started again").isTrue();
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password()); var st = c.createStatement();
                 var rs = st.executeQuery("select what from revival where id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("committed before the kill");
            }
        } finally {
            infrastructure.destroy();
        }
        assertThat(pg.running()).as("a clean stop stops it").isFalse();
        assertThat(infrastructure.revivePostgres()).as("nothing is started once the server closes").isFalse();

        // a server that finds PostgreSQL running on its data folder (left by one that crashed) reuses it, and its clean
        // stop stops it too
        EmbeddedPostgres leftOver = EmbeddedPostgres.start(root, port);
        assertThat(leftOver.startedHere()).isTrue();
        EmbeddedInfrastructure next = new EmbeddedInfrastructure(properties);
        assertThat(next.postgres().startedHere()).as("reused").isFalse();
        next.destroy();
        assertThat(leftOver.running()).as("the reused server is stopped at a clean stop").isFalse();
    }
}
