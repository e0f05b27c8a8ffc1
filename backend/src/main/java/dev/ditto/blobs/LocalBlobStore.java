package dev.ditto.blobs;

import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * Blobs as files under a folder: {@code ab/cd/abcd…}; written to a temp file under {@code incoming/}, fsynced, then
 * renamed, so a half-written blob is never visible, and the temp file is deleted whatever happens. A disk that fills
 * up is told apart from other write errors ({@link InsufficientStorageException}, answered 507).
 */
public class LocalBlobStore implements BlobStore {
    private static final int BUFFER = 1 << 16;

    private final Path root;
    private final Path incoming;
    private final FreeSpace freeSpace;

    public LocalBlobStore(Path root) throws IOException {
        this(root, FreeSpace.FILE_STORE);
    }

    public LocalBlobStore(Path root, FreeSpace freeSpace) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.incoming = this.root.resolve("incoming");
        this.freeSpace = freeSpace;
        Files.createDirectories(incoming);
    }

    /** The store's folder. */
    public Path root() {
        return root;
    }

    @Override
    public void requireSpace(long bytes) throws InsufficientStorageException {
        if (bytes <= 0) {
            return;
        }
        long free = usable();
        if (free >= 0 && free < bytes) {
            throw new InsufficientStorageException(root, free, null);
        }
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException {
        Path temp;
        try {
            temp = Files.createTempFile(incoming, "upload-", ".part");
        } catch (IOException e) {
            throw diskFullOr(e);
        }
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = content.read(buffer)) > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    try {
                        write(out, buffer, n);
                    } catch (IOException e) {
                        throw diskFullOr(e);
                    }
                }
                try {
                    out.flush();
                    channel.force(true);
                } catch (IOException e) {
                    throw diskFullOr(e);
                }
            }
            String key = HexFormat.of().formatHex(sha.digest());
            if (expectedSha256 != null && !expectedSha256.toLowerCase(Locale.ROOT).equals(key)) {
                throw new BlobChecksumMismatchException(expectedSha256, key);
            }
            Path target = pathOf(key);
            if (Files.exists(target)) {
                return new StoredBlob(key, size);
            }
            try {
                Files.createDirectories(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw diskFullOr(e);
            }
            return new StoredBlob(key, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes one buffer of content to the temp file (a test makes it fail the way a full disk does). */
    protected void write(OutputStream out, byte[] buffer, int length) throws IOException {
        out.write(buffer, 0, length);
    }

    /**
     * A write error is a full disk when the JDK says so (ENOSPC, EDQUOT) or when less than one buffer is still usable
     * (what the next write needed); any other error is passed on as it was.
     */
    private IOException diskFullOr(IOException e) {
        if (e instanceof InsufficientStorageException) {
            return e;
        }
        long free = usable();
        return FreeSpace.saysNoSpace(e) || (free >= 0 && free < BUFFER)
                ? new InsufficientStorageException(root, Math.max(0, free), e) : e;
    }

    /** Usable bytes in the store's folder, -1 when the file system cannot tell (then the write itself says). */
    private long usable() {
        try {
            return freeSpace.usableBytes(root);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Optional<StoredBlob> stat(String key) {
        if (!BlobStore.isValidKey(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredBlob(key, Files.size(pathOf(key))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Resource> resource(String key) {
        if (!BlobStore.isValidKey(key) || !Files.exists(pathOf(key))) {
            return Optional.empty();
        }
        return Optional.of(new FileSystemResource(pathOf(key)));
    }

    @Override
    public InputStream open(String key) throws IOException {
        if (!BlobStore.isValidKey(key)) {
            throw new NoSuchFileException("not a blob key: " + key);
        }
        return Files.newInputStream(pathOf(key));
    }

    /** Where the blob lives on disk (for same-machine readers such as the release builder). */
    public Path pathOf(String key) {
        if (!BlobStore.isValidKey(key)) {
            throw new IllegalArgumentException("not a blob key: " + key);
        }
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
