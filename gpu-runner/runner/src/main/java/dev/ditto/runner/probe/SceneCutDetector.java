package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.NORM_MINMAX;
import static org.bytedeco.opencv.global.opencv_core.normalize;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.HISTCMP_BHATTACHARYYA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.calcHist;
import static org.bytedeco.opencv.global.opencv_imgproc.compareHist;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.runner.Progress;
import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.VideoReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Finds hard scene cuts: the Bhattacharyya distance between consecutive frames' hue–saturation histograms (on a small
 * copy) jumps above a threshold. Also measures the decoded duration, which is more trustworthy than the container's.
 */
final class SceneCutDetector {
    /** Distance above which two consecutive frames belong to different shots. */
    static final double CUT_DISTANCE = 0.5;
    /** Cuts closer together than this are one transition (flashes, dissolves). */
    static final double MIN_GAP_SECONDS = 0.5;

    private SceneCutDetector() {}

    /** Cut times in seconds, the decoded duration and frame count. */
    record Scan(List<Double> cuts, double durationSeconds, int frames) {}

    static Scan scan(VideoReader reader, Progress progress) throws IOException, InterruptedException {
        List<Double> cuts = new ArrayList<>();
        double frameStep = 1 / reader.info().fps();
        double expected = Math.max(1, reader.info().durationSeconds());
        Mat previous = null;
        double last = 0;
        int frames = 0;
        try (IntPointer channels = new IntPointer(0, 1); IntPointer bins = new IntPointer(30, 32);
             FloatPointer ranges = new FloatPointer(0f, 180f, 0f, 256f); Mat mask = new Mat()) {
            for (DecodedFrame next = reader.read(); next != null; next = reader.read()) {
                try (DecodedFrame frame = next) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException("scene detection interrupted");
                    }
                    Mat histogram = histogram(frame.image(), channels, bins, ranges, mask);
                    if (previous != null) {
                        double distance = compareHist(previous, histogram, HISTCMP_BHATTACHARYYA);
                        double t = frame.seconds();
                        double lastCut = cuts.isEmpty() ? 0 : cuts.getLast();
                        if (distance > CUT_DISTANCE && t - lastCut >= MIN_GAP_SECONDS) {
                            cuts.add(t);
                        }
                        previous.close();
                    }
                    previous = histogram;
                    last = frame.seconds();
                    frames++;
                    if (frames % 50 == 0) {
                        progress.report("scene-detect", Math.min(1, last / expected));
                    }
                }
            }
        } finally {
            if (previous != null) {
                previous.close();
            }
        }
        return new Scan(cuts, last + frameStep, frames);
    }

    private static Mat histogram(Mat bgr, IntPointer channels, IntPointer bins, FloatPointer ranges, Mat mask) {
        Mat hist = new Mat();
        try (Mat small = new Mat(); Mat hsv = new Mat(); Size size = new Size(160, Math.max(1, 160 * bgr.rows() / bgr.cols()));
             MatVector images = new MatVector(1)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            cvtColor(small, hsv, COLOR_BGR2HSV);
            images.put(0, hsv);
            calcHist(images, channels, mask, hist, bins, ranges, false);
            normalize(hist, hist, 0, 1, NORM_MINMAX, -1, new Mat());
        }
        return hist;
    }
}
