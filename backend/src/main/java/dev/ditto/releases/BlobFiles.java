package dev.ditto.releases;

import java.nio.file.Path;

/** Where a blob's bytes lie on this machine (the release builder archives them into shards). */
@FunctionalInterface
public interface BlobFiles {
    Path pathOf(String key);
}
