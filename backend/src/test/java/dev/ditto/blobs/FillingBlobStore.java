package dev.ditto.blobs;

import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The real store, whose writes fail as a full disk's do once a test sets {@code failAfterBytes}: the JDK's own
 * {@code IOException("No space left on device")}, after that many bytes of the content reached the temp file.
 */
public final class FillingBlobStore extends LocalBlobStore {
    public volatile long failAfterBytes = -1;
    private final ThreadLocal<long[]> written = ThreadLocal.withInitial(() -> new long[1]);

    public FillingBlobStore(Path root, FreeSpace freeSpace) throws IOException {
        super(root, freeSpace);
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException {
        written.get()[0] = 0;
        return super.put(content, maxBytes, expectedSha256);
    }

    @Override
    protected void write(OutputStream out, byte[] buffer, int length) throws IOException {
        long[] sofar = written.get();
        if (failAfterBytes >= 0 && sofar[0] + length > failAfterBytes) {
            throw new IOException("No space left on device");
        }
        sofar[0] += length;
        super.write(out, buffer, length);
    }
}
