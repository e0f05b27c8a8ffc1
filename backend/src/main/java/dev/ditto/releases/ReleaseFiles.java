package dev.ditto.releases;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of one built release, wherever they live (its local folder, or objects of the S3 blob store). */
public interface ReleaseFiles {
    /** Opens a file of the release by its path relative to the dataset root. */
    InputStream open(String path) throws IOException;

    /**
     * Runs {@code use} with a local file holding {@code path}'s bytes: the file itself on local disk; with S3 a
     * staging copy of that one file, deleted when {@code use} returns (so staging is bounded by one file).
     */
    <T> T withLocalFile(String path, LocalFileUse<T> use) throws IOException;

    /** What a caller does with a local file. */
    @FunctionalInterface
    interface LocalFileUse<T> {
        T apply(Path file) throws IOException;
    }

    /** The files of a release folder on this machine. */
    static ReleaseFiles local(Path dir) {
        return new ReleaseFiles() {
            @Override
            public InputStream open(String path) throws IOException {
                return Files.newInputStream(dir.resolve(path));
            }

            @Override
            public <T> T withLocalFile(String path, LocalFileUse<T> use) throws IOException {
                return use.apply(dir.resolve(path));
            }
        };
    }
}
