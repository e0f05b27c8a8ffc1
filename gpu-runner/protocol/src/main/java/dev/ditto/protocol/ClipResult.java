package dev.ditto.protocol;

import java.util.Map;

/**
 * One training-format clip cut from a source, with its artefacts (uploaded blobs) and scores.
 * Scores: {@code motion} (mean optical-flow magnitude, px/frame), {@code brisque} (lower is better),
 * {@code people} (fraction of frames with a person), {@code faces} (max faces in a key frame),
 * {@code text_overlay} (fraction of key-frame area covered by detected text), {@code phash} as hex.
 */
public record ClipResult(int index, double startSeconds, double endSeconds, BlobRef video, BlobRef keyFrame,
                         BlobRef thumbnail, Map<String, Double> scores, String perceptualHash) {
    public ClipResult {
        scores = Map.copyOf(scores);
    }
}
