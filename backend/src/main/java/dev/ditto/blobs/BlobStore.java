package dev.ditto.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;

/**
 * Content-addressed storage for video bytes: a blob's key is the sha256 of its content, so a key can never
 * name a path, identical uploads are stored once, and a half-written blob is never visible.
 */
public interface BlobStore {

    /**
     * Streams {@code content} into the store.
     *
     * @param maxBytes       refuse (and discard) content longer than this
     * @param expectedSha256 when given, refuse content whose sha256 differs
     * @throws BlobTooLargeException     past {@code maxBytes}
     * @throws BlobChecksumMismatchException when the sha256 differs from {@code expectedSha256}
     */
    StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException;

    /** The blob's size, if it exists. */
    Optional<StoredBlob> stat(String key);

    /** The blob as a Spring resource (HTTP Range serving reads it), if it exists. */
    Optional<Resource> resource(String key);

    /** Opens the blob for reading. */
    InputStream open(String key) throws IOException;

    /** A blob that is stored: its key (sha256 hex) and size in bytes. */
    record StoredBlob(String key, long size) {}

    /** Content longer than the caller allowed. */
    final class BlobTooLargeException extends IOException {
        public BlobTooLargeException(long maxBytes) {
            super("content is larger than the limit of " + maxBytes + " bytes");
        }
    }

    /** Content whose sha256 is not the one the sender announced (a broken or tampered transfer). */
    final class BlobChecksumMismatchException extends IOException {
        public BlobChecksumMismatchException(String expected, String actual) {
            super("sha256 mismatch: expected " + expected + " but the content hashes to " + actual);
        }
    }

    /** Whether {@code key} is a well-formed blob key (64 lower-case hex digits). */
    static boolean isValidKey(String key) {
        return key.length() == 64 && key.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
