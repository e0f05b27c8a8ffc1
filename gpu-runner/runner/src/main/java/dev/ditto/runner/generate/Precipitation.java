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
 * Snow or rain laid into the scene: the weather's grade plus particles (flakes, streaks along the wind) with seeded
 * positions and sizes drawn into the key frame, so propagation carries them along the optical flow with the scene
 * like every other part of the edit. Particles drawn fresh in screen space every frame (falling) changed every pixel
 * they crossed from one frame to the next, which no flow explains: the warp error read them as flicker (5.5× the
 * source's). Re-edited regions get the same particles the whole frame has there ({@link #applyAt}). A re-run of a
 * job draws the same weather.
 */
final class Precipitation implements EditOperator {
    /**
     * How much light a flake / a streak adds (8-bit levels) — and, with the counts above, how much of the frame the
     * weather covers. Every particle's edge is resampled by the flow from frame to frame, so the weather's temporal
     * error grows with particles × brightness: at 900 flakes of 235 (density 1) the clip's warp error was 1.5× the
     * source's. These levels keep it near the source's while the weather stays plain to see.
     */
    static final double SNOW_LEVEL = 170;
    static final double RAIN_LEVEL = 110;
    private final EditOperator grade;
    private final boolean snow;
    private final int width;
    private final int height;
    private @org.jspecify.annotations.Nullable Mat layer;
    private final double[] x0;
    private final double[] y0;
    private final double[] vx;
    private final double[] vy;
    private final double[] size;
    private final double[] phase;

    Precipitation(EditOperator grade, boolean snow, double density, long seed, int width, int height) {
        this.grade = grade;
        this.snow = snow;
        this.width = width;
        this.height = height;
        int n = (int) Math.round((snow ? 650 : 500) * Math.max(0.05, Math.min(1, density)) * width * height
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
    public Mat apply(Mat bgr, @org.jspecify.annotations.Nullable Mat personMask) {
        return applyAt(bgr, personMask, 0, 0, bgr.cols(), bgr.rows());
    }

    @Override
    public Mat applyAt(Mat bgr, @org.jspecify.annotations.Nullable Mat personMask, int x, int y, int frameWidth,
                       int frameHeight) {
        Mat out = grade.applyAt(bgr, personMask, x, y, frameWidth, frameHeight);
        Mat whole = layer(frameWidth, frameHeight);
        try (org.bytedeco.opencv.opencv_core.Rect r = new org.bytedeco.opencv.opencv_core.Rect(x, y, bgr.cols(),
                bgr.rows()); Mat part = whole.apply(r); Mat part3 = new Mat()) {
            cvtColor(part, part3, COLOR_GRAY2BGR);
            // screen blend: 255 - (255-a)(255-b)/255, approximated by a saturating add of the lit particles
            opencv_core.add(out, part3, out);
        }
        return out;
    }

    @Override
    public int margin() {
        return 0;
    }

    /** The particles of a frame of this size (lit 0..255), drawn once. */
    private synchronized Mat layer(int w, int h) {
        if (layer != null && layer.cols() == w && layer.rows() == h) {
            return layer;
        }
        Mat drawn = new Mat(h, w, CV_8UC1, new Scalar(0.0));
        double sx = w / (double) width;
        double sy = h / (double) height;
        try (Size k = new Size(3, 3)) {
            for (int i = 0; i < x0.length; i++) {
                double sway = snow ? 3 * Math.sin(phase[i]) : 0;
                double x = mod(x0[i] + sway, width) * sx;
                double y = mod(y0[i], height) * sy;
                if (snow) {
                    try (Point c = new Point((int) x, (int) y); Scalar white = new Scalar(SNOW_LEVEL)) {
                        circle(drawn, c, (int) Math.round(size[i] * Math.min(sx, sy)), white, -1, LINE_AA, 0);
                    }
                } else {
                    double len = size[i] * Math.min(sx, sy);
                    double norm = Math.hypot(vx[i], vy[i]);
                    try (Point a = new Point((int) x, (int) y);
                         Point b = new Point((int) (x - vx[i] / norm * len), (int) (y - vy[i] / norm * len));
                         Scalar grey = new Scalar(RAIN_LEVEL)) {
                        line(drawn, a, b, grey, 1, LINE_AA, 0);
                    }
                }
            }
            GaussianBlur(drawn, drawn, k, 0);
        }
        if (layer != null) {
            layer.close();
        }
        layer = drawn;
        return drawn;
    }

    private static double mod(double v, double m) {
        double r = v % m;
        return r < 0 ? r + m : r;
    }
}
