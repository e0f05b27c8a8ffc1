package dev.ditto.protocol;

import java.util.Map;

/**
 * Result of GENERATE. Metrics: {@code warp_error} (temporal warp error of the edit relative to the source's),
 * {@code edge_ssim} (structure fidelity), {@code edit_strength} (mean colour change), {@code brisque}.
 */
public record GenerateResult(int v, BlobRef editedVideo, BlobRef editedKeyFrame, Map<String, Double> metrics,
                             Map<String, StageTiming> timings, Provenance provenance) implements JobResult {
    public GenerateResult {
        metrics = Map.copyOf(metrics);
        timings = Map.copyOf(timings);
    }
}
