package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_16SC1;
import static org.bytedeco.opencv.global.opencv_core.CV_16SC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;

import java.nio.ShortBuffer;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.jspecify.annotations.Nullable;

/**
 * An edit with film grain laid into the key frame: the grain is part of the scene edit, so propagation carries it
 * along the optical flow with the surfaces it sits on (as grain on a film scan of a moving shot appears to), instead
 * of drawing fresh independent noise every frame, which reads as flicker to a warp-error judge. The noise pattern is
 * a fixed function of the seed and the image size.
 */
final class GrainedOperator implements EditOperator {
    private final EditOperator inner;
    private final double sigma;
    private final long seed;

    GrainedOperator(EditOperator inner, double sigma, long seed) {
        this.inner = inner;
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public Mat apply(Mat bgr, @Nullable Mat personMask) {
        Mat out = inner.apply(bgr, personMask);
        addGrain(out, sigma, seed);
        return out;
    }

    /** The grain of the frame's part at {@code x, y}: the same pattern as the whole frame's there. */
    @Override
    public Mat applyAt(Mat bgr, @Nullable Mat personMask, int x, int y, int frameWidth, int frameHeight) {
        Mat out = inner.applyAt(bgr, personMask, x, y, frameWidth, frameHeight);
        if (x == 0 && y == 0 && bgr.cols() == frameWidth && bgr.rows() == frameHeight) {
            addGrain(out, sigma, seed);
            return out;
        }
        try (Mat whole = new Mat(frameHeight, frameWidth, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(128.0, 128.0, 128.0, 0.0));
             org.bytedeco.opencv.opencv_core.Rect r = new org.bytedeco.opencv.opencv_core.Rect(x, y, bgr.cols(), bgr.rows());
             Mat part = whole.apply(r); Mat wide = new Mat(); Mat grain = new Mat()) {
            // the whole frame's grain, as an offset from mid-gray, cut to the part
            addGrain(whole, sigma, seed);
            part.convertTo(grain, CV_16SC3, 1, -128);
            out.convertTo(wide, CV_16SC3);
            add(wide, grain, wide);
            wide.convertTo(out, CV_8UC3);
        }
        return out;
    }

    @Override
    public boolean needsMask() {
        return inner.needsMask();
    }

    @Override
    public int margin() {
        return Math.max(2, inner.margin());
    }

    /** Adds monochrome Gaussian grain in place. */
    static void addGrain(Mat bgr, double sigma, long seed) {
        // quarter-resolution grain, interpolated: clumps of 3–4 px, as coarse as a fast film's. Finer grain lies
        // below the flow's grid (half resolution), where carrying it from frame to frame resamples it into noise
        try (Mat noise1 = new Mat(Math.max(1, bgr.rows() / 4), Math.max(1, bgr.cols() / 4), CV_16SC1);
             Mat noise = new Mat(); Mat noise3 = new Mat(); Mat wide = new Mat(); MatVector planes = new MatVector(3)) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + bgr.cols() * 31L + bgr.rows());
            ShortBuffer sb = noise1.createBuffer();
            for (int i = 0, n = noise1.cols() * noise1.rows(); i < n; i++) {
                double u = Math.max(1e-12, random.nextDouble());
                double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
                sb.put(i, (short) Math.round(g * sigma));
            }
            org.bytedeco.opencv.global.opencv_imgproc.resize(noise1, noise, bgr.size());
            planes.put(0, noise).put(1, noise).put(2, noise);
            org.bytedeco.opencv.global.opencv_core.merge(planes, noise3);
            bgr.convertTo(wide, CV_16SC3);
            add(wide, noise3, wide);
            wide.convertTo(bgr, CV_8UC3);
        }
    }
}
