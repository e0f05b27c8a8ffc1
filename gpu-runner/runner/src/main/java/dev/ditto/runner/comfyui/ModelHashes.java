package dev.ditto.runner.comfyui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * SHA-256 of model files in a ComfyUI {@code models} folder the runner can read ({@code --comfyui-models-dir}), cached
 * by path, size and modification time, so a 28 GB checkpoint is hashed once, not per job.
 */
public final class ModelHashes {
    private record Key(Path path, long size, long mtime) {}

    private final @Nullable Path modelsDir;
    private final Map<Key, String> cache = new ConcurrentHashMap<>();

    public ModelHashes(@Nullable Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    /** The hash of {@code models/FOLDER/NAME}, or empty when there is no folder or no such file. */
    public Optional<String> sha256(String folder, String name) throws IOException {
        if (modelsDir == null || name.isBlank()) {
            return Optional.empty();
        }
        Path file = modelsDir.resolve(folder).resolve(name).normalize();
        if (!file.startsWith(modelsDir.normalize()) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Key key = new Key(file.toAbsolutePath(), Files.size(file), Files.getLastModifiedTime(file).toMillis());
        String known = cache.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        String hash = hash(file);
        cache.put(key, hash);
        return Optional.of(hash);
    }

    /** How many files have been hashed (for tests: a cache hit hashes nothing). */
    int cached() {
        return cache.size();
    }

    private static String hash(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
