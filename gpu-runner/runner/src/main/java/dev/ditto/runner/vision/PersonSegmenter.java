package dev.ditto.runner.vision;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/** Finds the people in a frame: a soft mask, {@code CV_8UC1}, 255 = person, at the frame's size. */
public interface PersonSegmenter extends AutoCloseable {

    /** The person mask of a BGR frame; the caller owns the returned image. */
    Mat mask(Mat bgr);

    /** Engine name for provenance, e.g. {@code opencv-dnn-tflite} or {@code opencv-grabcut}. */
    String engine();

    /** Model name for provenance, e.g. {@code mediapipe-selfie-segmentation}. */
    String model();

    /** Model or library version for provenance. */
    String version();

    @Override
    void close();

    /**
     * The MediaPipe selfie model when {@code model} names a readable file, otherwise the classical GrabCut fallback
     * (whose {@link #engine()} says so, so every record shows which one ran).
     */
    static PersonSegmenter create(@Nullable Path model) {
        if (model != null && Files.isReadable(model)) {
            return new SelfieSegmenter(model);
        }
        return new GrabCutSegmenter();
    }
}
