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
 * Snow or rain falling over the clip, in screen space: every particle (a soft flake, or a rain streak as long as the
 * way it falls during the exposure) has a seeded start, size, brightness and velocity, and sits in frame {@code t} at
 * start + velocity × t (snow sways a little on a slow sine), drawn at sub-pixel positions. So the same particle
 * moves smoothly and steadily down from frame to frame (snow 1.1–2.1 px per frame, rain 7–13 px, at 480 rows), frame
 * {@code t} is a pure function of (seed, t), and a re-run of a job draws the same weather.
 *
 * <p>A particle moving on its own changes the pixels it leaves and enters in a way the scene's flow does not explain,
 * so the warp-error metric counts it: its share grows with particles × brightness × the distance moved per frame. The
 * weather is therefore kept soft and bounded (few, small, dim, blurred flakes; thin, faint streaks whose length spans
 * their motion, so consecutive frames overlap) to keep the clip's contrast-normalised warp error within 1.2× the
 * source's; see docs/builtin-engine.md.
 */
final class Precipitation implements ScreenEffect {
    /** Fractional bits of the sub-pixel drawing positions (1/16 px). */
    private static final int SHIFT = 4;
    private static final double ONE = 1 << SHIFT;
    /**
     * Particles per 832×480 frame at density 1 (density 0 has 35 % of them): the most the warp-error budget allows on
     * a still-camera clip.
     */
    static final int SNOW_FLAKES = 130;
    static final int RAIN_STREAKS = 78;

    private final boolean snow;
    private final int width;
    private final int height;
    private final double[] x0;
    private final double[] y0;
    private final double[] vx;
    private final double[] vy;
    private final double[] size;
    private final double[] level;
    private final double[] phase;

    Precipitation(boolean snow, double density, long seed, int width, int height) {
        this.snow = snow;
        this.width = width;
        this.height = height;
        int n = (int) Math.round((snow ? SNOW_FLAKES : RAIN_STREAKS) * (0.35 + 0.65 * Math.max(0, Math.min(1, density)))
                * width * height / (832.0 * 480.0));
        SplittableRandom r = new SplittableRandom(seed);
        x0 = new double[n];
        y0 = new double[n];
        vx = new double[n];
        vy = new double[n];
        size = new double[n];
        level = new double[n];
        phase = new double[n];
        double scale = height / 480.0;
        double wind = snow ? r.nextDouble(-0.4, 0.4) : r.nextDouble(-1.5, 1.5);
        for (int i = 0; i < n; i++) {
            x0[i] = r.nextDouble(0, width);
            y0[i] = r.nextDouble(0, height);
            double depth = r.nextDouble(0.0, 1.0); // nearer particles are bigger, brighter and faster
            if (snow) {
                size[i] = (0.7 + 1.0 * depth) * scale; // radius
                vy[i] = (1.1 + 1.0 * depth) * scale;
                level[i] = 50 + 50 * depth;
            } else {
                vy[i] = (7 + 6 * depth) * scale;
                size[i] = 2.2 * vy[i]; // streak length: the fall during a long exposure
                level[i] = 28 + 24 * depth;
            }
            vx[i] = wind * (0.5 + 0.5 * depth) * scale;
            phase[i] = r.nextDouble(0, 2 * Math.PI);
        }
    }

    /** How many particles a frame has. */
    int particles() {
        return x0.length;
    }

    /** Where particle {@code i} is in frame {@code t} (x, y in pixels of a frame of the constructed size). */
    double[] position(int i, int t) {
        double margin = snow ? 8 : size[i] + 4;
        double sway = snow ? 2.0 * Math.sin(phase[i] + t * 0.12) : 0;
        double x = mod(x0[i] + vx[i] * t + sway, width);
        // falls off the bottom and comes back in above the top, out of sight
        double y = mod(y0[i] + vy[i] * t + margin, height + 2 * margin) - margin;
        return new double[] {x, y};
    }

    @Override
    public void apply(Mat bgr, int index) {
        int w = bgr.cols();
        int h = bgr.rows();
        double sx = w / (double) width;
        double sy = h / (double) height;
        try (Mat layer = new Mat(h, w, CV_8UC1, new Scalar(0.0)); Mat layer3 = new Mat(); Size k = new Size(0, 0)) {
            for (int i = 0; i < x0.length; i++) {
                double[] p = position(i, index);
                double x = p[0] * sx;
                double y = p[1] * sy;
                try (Scalar lit = new Scalar(level[i])) {
                    if (snow) {
                        try (Point c = fixed(x, y)) {
                            circle(layer, c, (int) Math.round(size[i] * Math.min(sx, sy) * ONE), lit, -1, LINE_AA,
                                    SHIFT);
                        }
                    } else {
                        double len = size[i] * Math.min(sx, sy);
                        double norm = Math.hypot(vx[i], vy[i]);
                        try (Point a = fixed(x, y);
                             Point b = fixed(x - vx[i] / norm * len, y - vy[i] / norm * len)) {
                            line(layer, a, b, lit, 1, LINE_AA, SHIFT);
                        }
                    }
                }
            }
            // soft edges: no hard sub-pixel steps for the flow's grid to resample
            GaussianBlur(layer, layer, k, snow ? 0.9 : 0.6);
            cvtColor(layer, layer3, COLOR_GRAY2BGR);
            // the particles add light to what is behind them
            opencv_core.add(bgr, layer3, bgr);
        }
    }

    private static Point fixed(double x, double y) {
        return new Point((int) Math.round(x * ONE), (int) Math.round(y * ONE));
    }

    private static double mod(double v, double m) {
        double r = v % m;
        return r < 0 ? r + m : r;
    }
}
