package dev.ditto.blobs;

import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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
     * @throws InsufficientStorageException  the store's disk is full (nothing of the content is left behind)
     */
    StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException;

    /**
     * Refuses, before a byte is written, content of {@code bytes} (a size the sender declared) that the store's disk
     * has no room for; does nothing for {@code bytes ≤ 0} (unknown).
     */
    void requireSpace(long bytes) throws InsufficientStorageException;

    /** The blob's size, if it exists. */
    Optional<StoredBlob> stat(String key);

    /** The blob as a Spring resource (HTTP Range serving reads it), if it exists. */
    Optional<Resource> resource(String key);

    /** Opens the blob for reading. */
    InputStream open(String key) throws IOException;

    /** The blob's first {@code n} bytes (fewer when it is shorter), e.g. to tell its media type. */
    default byte[] firstBytes(String key, int n) throws IOException {
        try (InputStream in = open(key)) {
            return in.readNBytes(n);
        }
    }

    /**
     * Presigned URLs straight to the store, when it offers them (the S3 store does; local disk does not, and then
     * bytes go through this server's endpoints).
     */
    default Optional<DirectTransfers> direct() {
        return Optional.empty();
    }

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

    /** Content whose size is not the one the sender announced (a truncated or tampered transfer). */
    final class BlobSizeMismatchException extends IOException {
        public BlobSizeMismatchException(long expected, long actual) {
            super("size mismatch: expected " + expected + " bytes but the store holds " + actual);
        }
    }

    /** The store's disk is full, or too full for the content: the answer is 507 Insufficient Storage. */
    final class InsufficientStorageException extends IOException {
        private final Path folder;
        private final long freeBytes;

        public InsufficientStorageException(Path folder, long freeBytes, @Nullable Throwable cause) {
            super("the blob store folder " + folder + " has " + FreeSpace.mb(freeBytes) + " MB free; free space and try again",
                    cause);
            this.folder = folder;
            this.freeBytes = freeBytes;
        }

        /** The blob store's folder. */
        public Path folder() {
            return folder;
        }

        /** Bytes still usable there when the content was refused. */
        public long freeBytes() {
            return freeBytes;
        }
    }

    /** Whether {@code key} is a well-formed blob key (64 lower-case hex digits). */
    static boolean isValidKey(String key) {
        return key.length() == 64 && key.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
