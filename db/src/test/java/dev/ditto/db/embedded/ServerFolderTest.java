package dev.ditto.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the embedded servers' files go, for a data folder the unprivileged servers' user can or cannot enter. */
class ServerFolderTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void openTheTemporaryFolder() throws IOException {
        open(tmp); // JUnit makes it owner-only
    }

    @Test
    void anOpenDataFolderKeepsTheServersFiles() throws IOException {
        Path data = open(tmp.resolve("open")).resolve("data");

        assertThat(ServerFolder.of(data, true, tmp.resolve("base"))).isEqualTo(data);
        assertThat(data.resolve(ServerFolder.POINTER)).doesNotExist();
        assertThat(ServerFolder.existing(data)).isEqualTo(data);
    }

    @Test
    void withoutRootTheDataFolderIsUsedEvenWhenPrivate() throws IOException {
        Path data = closed(tmp.resolve("private")).resolve("data");

        assertThat(ServerFolder.of(data, false, tmp.resolve("base"))).isEqualTo(data);
    }

    @Test
    void asRootAPrivateDataFolderMovesTheServersToAReachableFolderNamedInThePointer() throws IOException {
        Path data = closed(tmp.resolve("private")).resolve("checkout/data");
        Path base = tmp.resolve("servers");

        Path folder = ServerFolder.of(data, true, base);

        assertThat(folder.getParent()).isEqualTo(base);
        assertThat(folder).isDirectory();
        assertThat(ServerFolder.closedFolder(folder)).as("the servers' user can enter it").isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base)))
                .as("others pass through the base but cannot list it").isEqualTo("rwx--x--x");
        assertThat(Files.readString(data.resolve(ServerFolder.POINTER)).strip()).isEqualTo(folder.toString());
        assertThat(ServerFolder.existing(data)).isEqualTo(folder);
        assertThat(ServerFolder.of(data, true, base)).as("the same folder on the next start").isEqualTo(folder);

        Path other = tmp.resolve("private/other/data");
        assertThat(ServerFolder.of(other, true, base)).as("each data folder its own").isNotEqualTo(folder);
    }

    @Test
    void serversOnceMovedStayWhereTheyAreWhenTheDataFolderIsOpenedLater() throws IOException {
        Path parent = closed(tmp.resolve("was-private"));
        Path data = parent.resolve("data");
        Path folder = ServerFolder.of(data, true, tmp.resolve("servers"));

        open(parent);

        assertThat(ServerFolder.of(data, true, tmp.resolve("servers"))).as("the cluster is there").isEqualTo(folder);
    }

    @Test
    void aBaseTheServersUserCannotReachEitherIsRefusedSayingWhatToSet() throws IOException {
        Path data = closed(tmp.resolve("private")).resolve("data");
        Path base = closed(tmp.resolve("closed-too")).resolve("servers");

        assertThatThrownBy(() -> ServerFolder.of(data, true, base))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nobody")
                .hasMessageContaining(tmp.resolve("closed-too").toString())
                .hasMessageContaining("DITTO_SERVERS_DIR");
    }

    private static Path open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static Path closed(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }
}
