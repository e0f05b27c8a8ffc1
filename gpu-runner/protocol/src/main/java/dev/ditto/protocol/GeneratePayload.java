package dev.ditto.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * GENERATE: produce the edited video for one instruction on one normalised source clip.
 *
 * @param backendSettings optional per-job settings for the runner's generate backend (for ComfyUI: route, template,
 *                        model file names, node packs; keys documented in docs/comfyui.md), applied over the runner's
 *                        own options; null or absent in older JSON means "use the runner's options"
 */
public record GeneratePayload(int v, long sampleId, long clipId, long instructionId, BlobRef sourceClip,
                              String instruction, EditSpec edit, VideoFormat format,
                              @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<String, String> backendSettings) implements JobPayload {
    public GeneratePayload {
        backendSettings = backendSettings == null ? null : Map.copyOf(backendSettings);
    }

    /** A payload without backend settings (the runner uses its own options). */
    public GeneratePayload(int v, long sampleId, long clipId, long instructionId, BlobRef sourceClip, String instruction,
                           EditSpec edit, VideoFormat format) {
        this(v, sampleId, clipId, instructionId, sourceClip, instruction, edit, format, null);
    }
}
