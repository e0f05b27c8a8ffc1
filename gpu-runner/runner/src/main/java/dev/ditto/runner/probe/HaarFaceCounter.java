package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/** Fallback face counter when BlazeFace is absent: OpenCV's frontal-face Haar cascade (less accurate; labelled so). */
final class HaarFaceCounter implements FaceCounter {
    private final CascadeClassifier cascade;

    HaarFaceCounter(Path cascadeFile) {
        this.cascade = new CascadeClassifier(cascadeFile.toString());
        if (cascade.empty()) {
            throw new IllegalArgumentException("cannot load Haar cascade " + cascadeFile);
        }
    }

    @Override
    public synchronized int count(Mat bgr) {
        try (Mat grey = new Mat(); RectVector faces = new RectVector(); Size min = new Size(30, 30); Size max = new Size()) {
            cvtColor(bgr, grey, COLOR_BGR2GRAY);
            equalizeHist(grey, grey);
            cascade.detectMultiScale(grey, faces, 1.1, 5, 0, min, max);
            return (int) faces.size();
        }
    }

    @Override
    public void close() {
        cascade.close();
    }
}
