package dev.ditto.releases;

import dev.ditto.blobs.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/** A blob's bytes for the release builder to archive into shards, read from whichever store holds them. */
public interface BlobFiles {
    /** Opens the blob; {@link NoSuchFileException} when the store has lost it. */
    InputStream open(String key) throws IOException;

    /** The blob's size; {@link NoSuchFileException} when the store has lost it. */
    long size(String key) throws IOException;

    /** The blobs of a blob store (local disk or S3: streamed either way, nothing copied to a local folder). */
    static BlobFiles of(BlobStore store) {
        return new BlobFiles() {
            @Override
            public InputStream open(String key) throws IOException {
                return store.open(key);
            }

            @Override
            public long size(String key) throws IOException {
                return store.stat(key).orElseThrow(() -> new NoSuchFileException("blob " + key)).size();
            }
        };
    }

    /** Blobs as local files (benchmarks map every key to one file). */
    static BlobFiles ofPaths(Function<String, Path> paths) {
        return new BlobFiles() {
            @Override
            public InputStream open(String key) throws IOException {
                return Files.newInputStream(paths.apply(key));
            }

            @Override
            public long size(String key) throws IOException {
                return Files.size(paths.apply(key));
            }
        };
    }
}
