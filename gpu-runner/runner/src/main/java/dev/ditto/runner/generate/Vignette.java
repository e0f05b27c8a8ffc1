package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.multiply;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Darkens the frame's corners (a lens effect, so it stays put while the scene moves). */
final class Vignette implements ScreenEffect {
    private final double amount;
    private Mat gain = new Mat();

    Vignette(double amount) {
        this.amount = amount;
    }

    @Override
    public synchronized void apply(Mat bgr, int index) {
        if (gain.cols() != bgr.cols() || gain.rows() != bgr.rows()) {
            gain.close();
            gain = new Mat(bgr.rows(), bgr.cols(), CV_32FC3);
            FloatBuffer g = gain.createBuffer();
            double cx = bgr.cols() / 2.0;
            double cy = bgr.rows() / 2.0;
            double rmax = Math.hypot(cx, cy);
            for (int y = 0; y < bgr.rows(); y++) {
                for (int x = 0; x < bgr.cols(); x++) {
                    double r = Math.hypot(x - cx, y - cy) / rmax;
                    float v = (float) (1 - amount * Math.pow(r, 2.2));
                    int i = 3 * (y * bgr.cols() + x);
                    g.put(i, v).put(i + 1, v).put(i + 2, v);
                }
            }
        }
        multiply(bgr, gain, bgr, 1.0, CV_8UC3);
    }
}
