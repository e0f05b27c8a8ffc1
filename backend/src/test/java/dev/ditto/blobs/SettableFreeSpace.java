package dev.ditto.blobs;

import dev.ditto.platform.FreeSpace;
import java.io.IOException;
import java.nio.file.Path;

/** The real file system's free space, unless a test says otherwise ({@code usable ≥ 0}): a disk made nearly full. */
public final class SettableFreeSpace implements FreeSpace {
    public volatile long usable = -1;

    @Override
    public long usableBytes(Path folder) throws IOException {
        return usable < 0 ? FILE_STORE.usableBytes(folder) : usable;
    }
}
