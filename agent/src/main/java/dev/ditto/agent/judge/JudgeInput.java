package dev.ditto.agent.judge;

import dev.ditto.protocol.EditSpec;
import java.util.Map;

/**
 * What a judge sees of one generated sample: the instruction and edit spec, the source and edited key frames
 * (JPEG bytes) and the runner's computed metrics ({@code warp_error}, {@code edge_ssim}, {@code edit_strength},
 * {@code brisque}).
 */
public record JudgeInput(
        String sampleId,
        String instruction,
        EditSpec edit,
        byte[] sourceKeyFrame,
        byte[] editedKeyFrame,
        Map<String, Double> metrics) {

    public JudgeInput {
        metrics = Map.copyOf(metrics);
    }
}
