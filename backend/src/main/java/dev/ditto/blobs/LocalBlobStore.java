package dev.ditto.blobs;

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

/** Blobs as files under a folder: {@code ab/cd/abcd…}; written to a temp file, fsynced, then renamed. */
public final class LocalBlobStore implements BlobStore {
    private final Path root;
    private final Path incoming;

    public LocalBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.incoming = this.root.resolve("incoming");
        Files.createDirectories(incoming);
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes, @Nullable String expectedSha256) throws IOException {
        Path temp = Files.createTempFile(incoming, "upload-", ".part");
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = content.read(buffer)) > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    out.write(buffer, 0, n);
                }
                out.flush();
                channel.force(true);
            }
            String key = HexFormat.of().formatHex(sha.digest());
            if (expectedSha256 != null && !expectedSha256.toLowerCase(Locale.ROOT).equals(key)) {
                throw new BlobChecksumMismatchException(expectedSha256, key);
            }
            Path target = pathOf(key);
            if (Files.exists(target)) {
                return new StoredBlob(key, size);
            }
            Files.createDirectories(target.getParent());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return new StoredBlob(key, size);
        } finally {
            Files.deleteIfExists(temp);
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
