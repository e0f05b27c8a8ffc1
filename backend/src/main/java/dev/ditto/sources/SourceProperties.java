package dev.ditto.sources;

import dev.ditto.protocol.VideoFormat;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code ditto.sources.*}: upload limits and the training format clips are normalised to. */
@ConfigurationProperties("ditto.sources")
public record SourceProperties(
        @DefaultValue("2048") long maxUploadMb,
        @DefaultValue("832") int width,
        @DefaultValue("480") int height,
        @DefaultValue("73") int frames,
        @DefaultValue("20") int fps,
        @DefaultValue("4") double minClipSeconds,
        @DefaultValue("8") double maxClipSeconds) {

    /** The normalisation format; invalid combinations fail at start-up with the reason. */
    public VideoFormat format() {
        return new VideoFormat(width, height, frames, fps);
    }

    public long maxUploadBytes() {
        return maxUploadMb * 1024 * 1024;
    }
}
