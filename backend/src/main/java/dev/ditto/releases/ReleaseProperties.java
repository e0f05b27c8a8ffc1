package dev.ditto.releases;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.releases.*}: what an exported clip must look like for DiffSynth-Studio (width and height divisible by
 * 16, a 4n+1 frame count; 0 accepts any such value), how large a video shard grows, and the dataset card's licence.
 * {@code sortMemoryMb} is PostgreSQL's {@code work_mem} for the release's streaming queries: with the server default
 * (4 MB) a million-sample selection is hashed and sorted on disk before its first row arrives.
 */
@ConfigurationProperties("ditto.releases")
public record ReleaseProperties(
        @DefaultValue("832") int width,
        @DefaultValue("480") int height,
        @DefaultValue("73") int frames,
        @DefaultValue("4294967296") long shardMaxBytes,
        @DefaultValue("other") String license,
        @DefaultValue("10000") int fetchSize,
        @Nullable String homepage,
        @DefaultValue("256") int sortMemoryMb) {

    public ReleaseProperties {
        if (width % 16 != 0 || height % 16 != 0) {
            throw new IllegalArgumentException("ditto.releases.width and height must be divisible by 16, got " + width + "x" + height);
        }
        if (frames != 0 && frames % 4 != 1) {
            throw new IllegalArgumentException("ditto.releases.frames must be 4n+1 (e.g. 73, 81), got " + frames);
        }
        if (sortMemoryMb < 0 || sortMemoryMb > 65_536) {
            throw new IllegalArgumentException("ditto.releases.sort-memory-mb must be 0 (the server's work_mem) to 65536, got " + sortMemoryMb);
        }
        if (shardMaxBytes < 1024) {
            throw new IllegalArgumentException("ditto.releases.shard-max-bytes must be at least 1024, got " + shardMaxBytes);
        }
    }

    /** The defaults, for code that runs without Spring (the benchmark). */
    public static ReleaseProperties defaults() {
        return new ReleaseProperties(832, 480, 73, 4L << 30, "other", 10_000, null, 256);
    }

    public ReleaseProperties withShardMaxBytes(long bytes) {
        return new ReleaseProperties(width, height, frames, bytes, license, fetchSize, homepage, sortMemoryMb);
    }
}
