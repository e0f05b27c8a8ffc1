package dev.ditto.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A data folder inside a folder only its owner can enter (root's home, {@code mkdir -m 700}): as root the server runs
 * as {@code nobody}, who cannot enter it, so its files go to a folder {@code nobody} can reach; as anyone else it runs
 * in place. Either way it starts, keeps data across a restart and its files are where its user reaches them.
 */
class EmbeddedPostgresPrivateFolderIT {
    @Test
    void postgresStartsAndKeepsDataWithItsDataFolderInAPrivateFolder() throws Exception {
        Path priv = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "private-");
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rwx------"));
        Path data = priv.resolve("data");
        int port = freePort();
        Path servers = null;
        try {
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, port);
                 Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), pg.password());
                 var st = c.createStatement()) {
                st.execute("create table kept (what text)");
                st.execute("insert into kept values ('before the restart')");
            }
            servers = ServerFolder.existing(data);
            assertThat(servers.resolve("postgres/PG_VERSION")).isRegularFile();
            if (ProcessRunner.runningAsRoot()) {
                assertThat(servers).as("moved out of the private folder").isNotEqualTo(data);
                assertThat(ServerFolder.closedFolder(servers)).as("nobody can enter it").isNull();
            } else {
                assertThat(servers).as("run in place by its owner").isEqualTo(data);
            }
            assertThat(data.resolve("postgres.password")).as("the password stays private").isRegularFile();

            try (EmbeddedPostgres again = EmbeddedPostgres.start(data, port);
                 Connection c = DriverManager.getConnection(again.jdbcUrl("postgres"), again.username(), again.password());
                 var rs = c.createStatement().executeQuery("select what from kept")) {
                assertThat(again.startedHere()).isTrue();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("before the restart");
            }
        } finally {
            deleteTree(priv);
            if (servers != null && !servers.startsWith(priv)) {
                deleteTree(servers);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
