package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import dev.ditto.runner.vision.PersonSegmenter;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Person presence from MediaPipe's selfie segmentation (the shared {@link PersonSegmenter}, TFLite via OpenCV DNN):
 * the share of the frame the model marks as person (probability above 0.5). Only built with the real model: a
 * classical foreground fallback would say nothing about people.
 */
final class PersonDetector implements AutoCloseable {
    private final PersonSegmenter segmenter;

    PersonDetector(Path model) {
        this.segmenter = PersonSegmenter.create(model);
        if (!segmenter.engine().contains("dnn")) {
            segmenter.close();
            throw new IllegalArgumentException("selfie segmentation model " + model + " did not load");
        }
    }

    /** Fraction (0..1) of the frame covered by people. */
    double personArea(Mat bgr) {
        try (Mat mask = segmenter.mask(bgr); Mat binary = new Mat()) {
            threshold(mask, binary, 127, 255, THRESH_BINARY);
            return countNonZero(binary) / (double) (binary.rows() * binary.cols());
        }
    }

    /** The segmenter's model name, for provenance. */
    String model() {
        return segmenter.model();
    }

    @Override
    public void close() {
        segmenter.close();
    }
}
