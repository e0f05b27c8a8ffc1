package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.line;

import java.util.SplittableRandom;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Snowfall or rain rendered over the clip: particles with seeded positions, sizes and velocities, so frame
 * {@code t} is a pure function of (seed, t) and every re-run of a job draws the same weather.
 */
final class Precipitation implements ScreenEffect {
    private final boolean snow;
    private final double[] x0;
    private final double[] y0;
    private final double[] vx;
    private final double[] vy;
    private final double[] size;
    private final double[] phase;

    Precipitation(boolean snow, double density, long seed, int width, int height) {
        this.snow = snow;
        int n = (int) Math.round((snow ? 900 : 700) * Math.max(0.05, Math.min(1, density)) * width * height
                / (832.0 * 480.0));
        SplittableRandom r = new SplittableRandom(seed);
        x0 = new double[n];
        y0 = new double[n];
        vx = new double[n];
        vy = new double[n];
        size = new double[n];
        phase = new double[n];
        double wind = snow ? r.nextDouble(-0.6, 0.6) : r.nextDouble(-5, 5);
        for (int i = 0; i < n; i++) {
            x0[i] = r.nextDouble(0, width);
            y0[i] = r.nextDouble(0, height);
            double depth = r.nextDouble(0.3, 1.0); // nearer particles are bigger and faster
            size[i] = snow ? 0.8 + 2.4 * depth : 8 + 18 * depth;
            vy[i] = snow ? 1.5 + 4.5 * depth : 22 + 26 * depth;
            vx[i] = wind * depth;
            phase[i] = r.nextDouble(0, 2 * Math.PI);
        }
    }

    @Override
    public void apply(Mat bgr, int index) {
        int w = bgr.cols();
        int h = bgr.rows();
        try (Mat layer = new Mat(h, w, CV_8UC1, new Scalar(0.0)); Mat layer3 = new Mat(); Size k = new Size(3, 3)) {
            for (int i = 0; i < x0.length; i++) {
                double sway = snow ? 3 * Math.sin(phase[i] + index * 0.15) : 0;
                double x = mod(x0[i] + vx[i] * index + sway, w);
                double y = mod(y0[i] + vy[i] * index, h);
                if (snow) {
                    try (Point c = new Point((int) x, (int) y); Scalar white = new Scalar(235.0)) {
                        circle(layer, c, (int) Math.round(size[i]), white, -1, LINE_AA, 0);
                    }
                } else {
                    double len = size[i];
                    double norm = Math.hypot(vx[i], vy[i]);
                    try (Point a = new Point((int) x, (int) y);
                         Point b = new Point((int) (x - vx[i] / norm * len), (int) (y - vy[i] / norm * len));
                         Scalar grey = new Scalar(150.0)) {
                        line(layer, a, b, grey, 1, LINE_AA, 0);
                    }
                }
            }
            GaussianBlur(layer, layer, k, 0);
            cvtColor(layer, layer3, COLOR_GRAY2BGR);
            // screen blend: 255 - (255-a)(255-b)/255, approximated by a saturating add of the lit particles
            opencv_core.add(bgr, layer3, bgr);
        }
    }

    private static double mod(double v, double m) {
        double r = v % m;
        return r < 0 ? r + m : r;
    }
}
