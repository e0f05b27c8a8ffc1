package dev.ditto.releases;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Folder publishing writes only inside the configured roots, whatever the path or its links say. */
class FolderPublisherRootsTest {
    @TempDir Path tmp;

    @Test
    void foldersInsideARootAreAcceptedEvenBeforeTheyExist() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("published"));
        FolderPublisher publisher = publisher(root + ", " + tmp.resolve("other"));

        assertThatCode(() -> publisher.checkDestination(root.resolve("v1").toString())).doesNotThrowAnyException();
        assertThatCode(() -> publisher.checkDestination(root.resolve("a/b/c").toString())).doesNotThrowAnyException();
        assertThatCode(() -> publisher.checkDestination(tmp.resolve("other/x").toString())).doesNotThrowAnyException();
    }

    @Test
    void everyOtherServerPathIsRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("published"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        FolderPublisher publisher = publisher(root.toString());

        for (String dest : new String[] {"/etc/cron.d", "/root/.ssh", outside.toString(), root + "/../outside",
                root.resolve("escape").toString(), root.resolve("escape/deeper").toString(), "relative/dir", tmp.toString()}) {
            assertThatThrownBy(() -> publisher.checkDestination(dest)).as(dest)
                    .isInstanceOf(ReleaseException.class).hasMessageContaining("ditto.releases.publish-roots");
        }
    }

    private static FolderPublisher publisher(String roots) {
        return new FolderPublisher(JsonMapper.builder().build(), roots);
    }
}
