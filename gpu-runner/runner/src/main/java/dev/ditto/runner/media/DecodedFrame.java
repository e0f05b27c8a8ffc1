package dev.ditto.runner.media;

import org.bytedeco.opencv.opencv_core.Mat;

/** One decoded frame: a BGR {@code CV_8UC3} image owned by the caller, with its presentation time. */
public record DecodedFrame(Mat image, double seconds) implements AutoCloseable {
    @Override
    public void close() {
        image.close();
    }
}
