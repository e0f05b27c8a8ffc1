package dev.ditto.runner.probe;

import org.bytedeco.opencv.opencv_core.Mat;

/** Counts faces in a frame. */
interface FaceCounter extends AutoCloseable {
    int count(Mat bgr);

    @Override
    void close();
}
