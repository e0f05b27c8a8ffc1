package dev.ditto.agent.caption;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a captioner gets for one source: what the probe measured (aggregated scores as in {@code sources.scores}:
 * {@code people}, {@code person_area}, {@code faces}, {@code motion}, {@code text_overlay}, {@code brisque}), its tags
 * (scene and colour words, {@code object:<class>} detections), its duration and clip count, and JPEG key frames taken
 * across the video in time order (empty for the built-in captioner, which never looks at pixels).
 */
public record CaptionInput(String sourceId, @Nullable Double durationSeconds, int clips, Map<String, Double> scores,
                           List<String> tags, List<byte[]> keyFrames) {

    public CaptionInput {
        if (sourceId.isBlank()) {
            throw new IllegalArgumentException("sourceId must not be blank");
        }
        scores = Map.copyOf(scores);
        tags = List.copyOf(tags);
        keyFrames = List.copyOf(keyFrames);
    }

    /** The input without frames (what the built-in captioner and the fallback use). */
    public CaptionInput withoutFrames() {
        return new CaptionInput(sourceId, durationSeconds, clips, scores, tags, List.of());
    }

    double score(String key) {
        Double v = scores.get(key);
        return v == null || !Double.isFinite(v) ? 0 : v;
    }

    boolean has(String key) {
        Double v = scores.get(key);
        return v != null && Double.isFinite(v);
    }
}
