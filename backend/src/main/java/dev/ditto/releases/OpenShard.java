package dev.ditto.releases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A shard being filled: its writer and its place in the registry. */
final class OpenShard {
    final String category;
    final long id;
    final String path;
    private final TarShardWriter writer;
    private final long maxBytes;
    private final Path dir;
    private final ReleaseStorage storage;

    private OpenShard(String category, ShardRegistry.Opened opened, TarShardWriter writer, long maxBytes, Path dir,
                      ReleaseStorage storage) {
        this.category = category;
        this.id = opened.id();
        this.path = opened.path();
        this.writer = writer;
        this.maxBytes = maxBytes;
        this.dir = dir;
        this.storage = storage;
    }

    /** Opens the next shard of {@code shardCategory} for rows of {@code category}. */
    static OpenShard open(Path dir, String category, String shardCategory, ShardRegistry shards, long maxBytes,
                          ReleaseStorage storage) throws IOException {
        ShardRegistry.Opened opened = shards.open(shardCategory);
        Path file = dir.resolve(opened.path());
        if (Files.exists(file)) {
            throw new IOException("shard " + file + " already exists; shards are never rewritten");
        }
        return new OpenShard(category, opened, new TarShardWriter(file), maxBytes, dir, storage);
    }

    boolean full(long entryBytes) {
        return writer.entries() > 0 && writer.size() + entryBytes + 2L * TarShardWriter.BLOCK > maxBytes;
    }

    /** Archives a blob as {@code name}; {@code what} names it in the error when the blob store has lost it. */
    void add(String name, BlobFiles blobs, long size, String what, String key) throws IOException {
        try {
            writer.add(name, new TarShardWriter.Content() {
                @Override
                public java.io.InputStream open() throws IOException {
                    return blobs.open(key);
                }

                @Override
                public String toString() {
                    return key;
                }
            }, size);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key, null, "the " + what + " (blob " + key
                    + ") is missing from the blob store; restore it or leave the sample out");
        }
    }

    void finish(ShardRegistry shards) throws IOException {
        int entries = writer.entries();
        shards.finished(id, writer.finish(), entries);
        storage.shardWritten(dir, path);
    }

    void abandon() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // the build is failing already; its folder is removed
        }
    }

    /** The shard a pass is filling, if any; closing it abandons an unfinished shard (the failing build removes it). */
    static final class Slot implements AutoCloseable {
        private final ShardRegistry shards;
        private @Nullable OpenShard current;

        Slot(ShardRegistry shards) {
            this.shards = shards;
        }

        @Nullable OpenShard current() {
            return current;
        }

        void set(OpenShard shard) {
            current = shard;
        }

        /** Finishes the open shard, if any. */
        void finish() throws IOException {
            if (current != null) {
                OpenShard done = current;
                current = null;
                done.finish(shards);
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.abandon();
                current = null;
            }
        }
    }
}
