package dev.ditto.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.platform.FreeSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk under the blob store: refused before writing when the size is known, 507-shaped, nothing left behind. */
class LocalBlobStoreDiskFullTest {
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aDeclaredSizeOverTheFreeSpaceIsRefusedBeforeWritingWithTheFolderAndItsFreeSpace() throws IOException {
        SettableFreeSpace space = new SettableFreeSpace();
        LocalBlobStore store = new LocalBlobStore(dir, space);
        space.usable = 12 * MB;

        assertThatThrownBy(() -> store.requireSpace(13 * MB))
                .isInstanceOfSatisfying(BlobStore.InsufficientStorageException.class, e -> {
                    assertThat(e.folder()).isEqualTo(dir.toAbsolutePath().normalize());
                    assertThat(e.freeBytes()).isEqualTo(12 * MB);
                })
                .hasMessage("the blob store folder " + dir.toAbsolutePath().normalize()
                        + " has 12 MB free; free space and try again");
        store.requireSpace(11 * MB); // fits
        store.requireSpace(-1); // unknown size: the write decides
        assertThat(files()).isEmpty();
    }

    @Test
    void aWriteThatFailsForWantOfSpaceLeavesNothingAndSucceedsOnceSpaceReturns() throws IOException {
        FillingBlobStore store = new FillingBlobStore(dir, new SettableFreeSpace());
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        store.failAfterBytes = 150_000;

        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null))
                .isInstanceOf(BlobStore.InsufficientStorageException.class)
                .hasMessageContaining("the blob store folder " + dir.toAbsolutePath().normalize() + " has ")
                .hasMessageEndingWith("MB free; free space and try again")
                .hasRootCauseMessage("No space left on device");
        assertThat(files()).as("no half-written temp file, no blob").isEmpty();

        store.failAfterBytes = -1;
        BlobStore.StoredBlob blob = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null);
        assertThat(Files.readAllBytes(store.pathOf(blob.key()))).isEqualTo(content);
    }

    @Test
    void anotherWriteErrorStaysWhatItWasUnlessTheDiskIsNearlyFull() throws IOException {
        SettableFreeSpace space = new SettableFreeSpace();
        LocalBlobStore store = new LocalBlobStore(dir, space) {
            @Override
            protected void write(OutputStream out, byte[] buffer, int length) throws IOException {
                throw new IOException("Input/output error");
            }
        };
        byte[] content = new byte[1000];

        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null))
                .isNotInstanceOf(BlobStore.InsufficientStorageException.class).hasMessage("Input/output error");
        space.usable = 4096; // less than the next write needed: that is a full disk, whatever the message said
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null))
                .isInstanceOf(BlobStore.InsufficientStorageException.class).hasMessageContaining("has 0 MB free");
        assertThat(files()).isEmpty();
    }

    @Test
    void noSpaceIsRecognisedAnywhereInTheCauses() {
        assertThat(FreeSpace.saysNoSpace(new IOException("write failed", new IOException("No space left on device")))).isTrue();
        assertThat(FreeSpace.saysNoSpace(new IOException("Disk quota exceeded"))).isTrue();
        assertThat(FreeSpace.saysNoSpace(new IOException("Broken pipe"))).isFalse();
    }

    /** Every regular file under the store's folder. */
    private java.util.List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }
}
