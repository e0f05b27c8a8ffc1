package dev.ditto.protocol;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One training-format clip cut from a source, with its artefacts (uploaded blobs) and scores.
 * Scores: {@code motion} (mean optical-flow magnitude, px/frame), {@code brisque} (lower is better),
 * {@code people} (fraction of frames with a person), {@code faces} (max faces in a key frame),
 * {@code text_overlay} (fraction of key-frame area covered by detected text), {@code phash} as hex.
 * {@code keyFrames} are JPEG frames spread evenly across the clip, in time order, for the server's captioner (it
 * never decodes video); null from runners older than captions, which the server treats as "the key frame only".
 * {@code embedding} is the clip's visual embedding for near-duplicate search: the object detector's MobileNetV2
 * backbone features ({@value #EMBEDDING_DIMENSIONS}-d, its last 1×1 convolution averaged over the grid) of the first,
 * key and last frames, averaged and L2-normalised; null without the detector model or from older runners.
 */
public record ClipResult(int index, double startSeconds, double endSeconds, BlobRef video, BlobRef keyFrame,
                         BlobRef thumbnail, Map<String, Double> scores, String perceptualHash,
                         @Nullable List<BlobRef> keyFrames, float @Nullable [] embedding) {
    /** Dimensions of {@link #embedding}. */
    public static final int EMBEDDING_DIMENSIONS = 1280;

    public ClipResult {
        scores = Map.copyOf(scores);
        keyFrames = keyFrames == null ? null : List.copyOf(keyFrames);
        if (embedding != null && embedding.length != EMBEDDING_DIMENSIONS) {
            throw new IllegalArgumentException("clip embedding must have " + EMBEDDING_DIMENSIONS + " dimensions, not "
                    + embedding.length);
        }
    }

    /** A clip without an embedding (what runners without the detector model, or older ones, send). */
    public ClipResult(int index, double startSeconds, double endSeconds, BlobRef video, BlobRef keyFrame,
                      BlobRef thumbnail, Map<String, Double> scores, String perceptualHash,
                      @Nullable List<BlobRef> keyFrames) {
        this(index, startSeconds, endSeconds, video, keyFrame, thumbnail, scores, perceptualHash, keyFrames, null);
    }

    /** A clip without caption frames (what runners older than captions send). */
    public ClipResult(int index, double startSeconds, double endSeconds, BlobRef video, BlobRef keyFrame,
                      BlobRef thumbnail, Map<String, Double> scores, String perceptualHash) {
        this(index, startSeconds, endSeconds, video, keyFrame, thumbnail, scores, perceptualHash, null, null);
    }

    /** The frames to caption from: the caption frames when the runner sent them, else the one key frame. */
    public List<BlobRef> captionFrames() {
        return keyFrames == null || keyFrames.isEmpty() ? List.of(keyFrame) : keyFrames;
    }
}
