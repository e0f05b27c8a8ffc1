package dev.ditto.runner.bench;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_video.calcOpticalFlowFarneback;

import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.OpticalFlow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The contrast-normalised temporal warp error of an edited clip relative to its source, computed independently of
 * the engine: Farnebäck optical flow (not the DIS flow {@code MetricsStage} uses) on the decoded source, each edited
 * frame {@code t} warped onto {@code t + 1} along it, the mean absolute colour difference over forward–backward
 * consistent pixels, divided by the clip's mean luma standard deviation (so an edit that raises contrast, a sketch, is
 * not blamed for it, and one that lowers it, a night grade, is not let off), edited over source. 1.0: as stable as the
 * source.
 */
final class WarpCheck {
    /** Flow is computed at half the frame size, as the engine does. */
    private static final double SCALE = 0.5;

    private WarpCheck() {}

    /** The ratio for {@code edited} against {@code source} (both in the same training format). */
    static double ratio(Path source, Path edited) throws IOException {
        List<Mat> src;
        List<Mat> out;
        try (VideoReader a = VideoReader.open(source); VideoReader b = VideoReader.open(edited)) {
            src = a.readAll(10_000);
            out = b.readAll(10_000);
        }
        try {
            int n = Math.min(src.size(), out.size());
            double srcErr = 0;
            double outErr = 0;
            for (int t = 0; t + 1 < n; t++) {
                try (Mat g0 = OpticalFlow.gray(src.get(t), SCALE); Mat g1 = OpticalFlow.gray(src.get(t + 1), SCALE);
                     Mat back = farneback(g1, g0); Mat fwd = farneback(g0, g1);
                     Mat ok = OpticalFlow.consistency(back, fwd)) {
                    srcErr += error(src.get(t + 1), src.get(t), back, ok, g1.size());
                    outErr += error(out.get(t + 1), out.get(t), back, ok, g1.size());
                }
            }
            double srcContrast = contrast(src, n);
            double outContrast = contrast(out, n);
            double s = srcErr / Math.max(1, n - 1) / Math.max(1e-6, srcContrast);
            double e = outErr / Math.max(1, n - 1) / Math.max(1e-6, outContrast);
            return s > 1e-9 ? e / s : 1.0;
        } finally {
            src.forEach(Mat::close);
            out.forEach(Mat::close);
        }
    }

    /** Dense Farnebäck flow from {@code a} to {@code b} (pyramid 0.5, 3 levels, window 15, 3 iterations). */
    static Mat farneback(Mat a, Mat b) {
        Mat flow = new Mat();
        calcOpticalFlowFarneback(a, b, flow, 0.5, 3, 15, 3, 5, 1.2, 0);
        return flow;
    }

    /** Mean absolute difference (0..1) between {@code next} and {@code previous} warped onto it, where consistent. */
    private static double error(Mat next, Mat previous, Mat flowNextToPrev, Mat consistent, Size low) {
        try (Mat a = new Mat(); Mat b = new Mat()) {
            resize(next, a, low, 0, 0, INTER_AREA);
            resize(previous, b, low, 0, 0, INTER_AREA);
            try (Mat warped = OpticalFlow.warp(b, flowNextToPrev); Mat diff = new Mat()) {
                absdiff(a, warped, diff);
                try (Scalar m = mean(diff, consistent)) {
                    return (m.get(0) + m.get(1) + m.get(2)) / (3 * 255.0);
                }
            }
        }
    }

    /** Mean over the frames of the luma standard deviation (0..1). */
    private static double contrast(List<Mat> frames, int n) {
        double sum = 0;
        for (int t = 0; t < n; t++) {
            try (Mat gray = new Mat(); Mat m = new Mat(); Mat sd = new Mat()) {
                cvtColor(frames.get(t), gray, COLOR_BGR2GRAY);
                meanStdDev(gray, m, sd);
                try (org.bytedeco.javacpp.indexer.DoubleIndexer d = sd.createIndexer()) {
                    sum += d.get(0) / 255.0;
                }
            }
        }
        return sum / Math.max(1, n);
    }
}
