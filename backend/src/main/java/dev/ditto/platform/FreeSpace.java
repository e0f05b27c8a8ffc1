package dev.ditto.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes a folder's file system still lets this process write ({@code FileStore.getUsableSpace()}). A bean of
 * its own so that a test can make a folder look full: no small file system can be mounted in a test.
 */
@FunctionalInterface
public interface FreeSpace {
    /** The real file system's answer. */
    FreeSpace FILE_STORE = folder -> Files.getFileStore(folder).getUsableSpace();

    /** Bytes still usable on the file system that holds {@code folder}. */
    long usableBytes(Path folder) throws IOException;

    /** The total size of that file system, for percentages; the real file system's by default. */
    default long totalBytes(Path folder) throws IOException {
        return Files.getFileStore(folder).getTotalSpace();
    }

    /** {@code bytes} in whole megabytes (MB = 1024 × 1024 bytes), as messages and settings count. */
    static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }

    /**
     * Whether an {@link IOException} says the disk is full: ENOSPC ("No space left on device") or EDQUOT ("Disk quota
     * exceeded") anywhere in its causes.
     */
    static boolean saysNoSpace(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
