package dev.ditto.blobs;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Bytes that go between a client (a runner, a browser) and the object store without passing through this server:
 * presigned URLs, each valid for {@link #ttl()}. An upload lands on a staging object first; only
 * {@link #acceptUpload} (after checking its size and sha256) makes it a blob, so a client can never put wrong
 * bytes under a content address.
 */
public interface DirectTransfers {

    /** How long each presigned URL stays valid. */
    Duration ttl();

    /** A presigned GET of the blob; {@code contentType} (when given) is what the store answers in Content-Type. */
    URI downloadUrl(String key, String contentType);

    /** A presigned PUT of the staging object {@code stagingName} (letters, digits, {@code - _ .} and {@code /}). */
    URI uploadUrl(String stagingName);

    /**
     * Checks the staging object against what the client announced (size by HEAD, then sha256 by reading it back),
     * makes it the blob {@code expectedSha256} and deletes the staging object, whatever the outcome.
     *
     * @throws java.nio.file.NoSuchFileException            nothing was uploaded under {@code stagingName}
     * @throws BlobStore.BlobSizeMismatchException          the object's size differs from {@code expectedSize}
     * @throws BlobStore.BlobChecksumMismatchException      its bytes hash to another sha256
     */
    BlobStore.StoredBlob acceptUpload(String stagingName, String expectedSha256, long expectedSize) throws IOException;
}
