package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_16SC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;

import org.bytedeco.opencv.opencv_core.Mat;

/** Fresh monochrome grain every frame, as film has; repeatable from the job's seed. */
final class FilmGrain implements ScreenEffect {
    private final double sigma;
    private final long seed;

    FilmGrain(double sigma, long seed) {
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public void apply(Mat bgr, int index) {
        try (Mat noise1 = new Mat(bgr.rows() / 2, bgr.cols() / 2, org.bytedeco.opencv.global.opencv_core.CV_16SC1);
             Mat noise = new Mat(); Mat noise3 = new Mat(); Mat wide = new Mat();
             org.bytedeco.opencv.opencv_core.MatVector planes = new org.bytedeco.opencv.opencv_core.MatVector(3)) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed * 1_000_003L + index);
            java.nio.ShortBuffer sb = noise1.createBuffer();
            for (int i = 0, n = noise1.cols() * noise1.rows(); i < n; i++) {
                sb.put(i, (short) Math.round(gaussian(random) * sigma));
            }
            org.bytedeco.opencv.global.opencv_imgproc.resize(noise1, noise, bgr.size());
            planes.put(0, noise).put(1, noise).put(2, noise);
            org.bytedeco.opencv.global.opencv_core.merge(planes, noise3);
            bgr.convertTo(wide, CV_16SC3);
            add(wide, noise3, wide);
            wide.convertTo(bgr, CV_8UC3);
        }
    }

    /** Box–Muller; SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default, kept explicit. */
    private static double gaussian(java.util.SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
