package dev.ditto.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Result of GENERATE. Metrics: {@code warp_error} (temporal warp error of the edit relative to the source's),
 * {@code edge_ssim} (structure fidelity), {@code edit_strength} (mean colour change), {@code brisque}; with a CLIP
 * model on the runner also {@code clip_t} (frame–instruction CLIP similarity) and {@code clip_f} (consecutive-frame).
 * {@code frameStrips}: source and edited frames across the clip (and the edit's mask) for the judge; null from
 * runners that predate it.
 */
public record GenerateResult(int v, BlobRef editedVideo, BlobRef editedKeyFrame, Map<String, Double> metrics,
                             Map<String, StageTiming> timings, Provenance provenance,
                             @Nullable FrameStrips frameStrips) implements JobResult {
    public GenerateResult {
        metrics = Map.copyOf(metrics);
        timings = Map.copyOf(timings);
    }

    /** A result without frame strips (older runners, engines that do not make them). */
    public GenerateResult(int v, BlobRef editedVideo, BlobRef editedKeyFrame, Map<String, Double> metrics,
                          Map<String, StageTiming> timings, Provenance provenance) {
        this(v, editedVideo, editedKeyFrame, metrics, timings, provenance, null);
    }
}
