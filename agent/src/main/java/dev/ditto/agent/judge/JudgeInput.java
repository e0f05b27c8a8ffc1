package dev.ditto.agent.judge;

import dev.ditto.protocol.EditSpec;
import java.util.List;
import java.util.Map;

/**
 * What a judge sees of one generated sample: the instruction and edit spec, the source and edited key frames
 * (JPEG bytes), frames across the clip (source and edited at the same indices, with the edit's mask where the runner
 * sent one; empty from older runners) and the runner's computed metrics ({@code warp_error},
 * {@code warp_error_lowpass}, {@code edge_ssim}, {@code edit_strength}, {@code brisque}).
 */
public record JudgeInput(
        String sampleId,
        String instruction,
        EditSpec edit,
        byte[] sourceKeyFrame,
        byte[] editedKeyFrame,
        Map<String, Double> metrics,
        List<FramePair> frames) {

    public JudgeInput {
        metrics = Map.copyOf(metrics);
        frames = frames == null ? List.of() : List.copyOf(frames);
    }

    /** The key frames only (samples from runners that send no frame strips). */
    public JudgeInput(String sampleId, String instruction, EditSpec edit, byte[] sourceKeyFrame, byte[] editedKeyFrame,
                      Map<String, Double> metrics) {
        this(sampleId, instruction, edit, sourceKeyFrame, editedKeyFrame, metrics, List.of());
    }
}
