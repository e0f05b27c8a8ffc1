package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Dominant-colour tags ("green", "blue", …) plus "dark" and "monochrome", from a hue histogram of vivid pixels. */
final class ColourTags {
    /** Hue bands on OpenCV's 0..180 scale: a colour is dominant when it covers this share of the frame. */
    static final double DOMINANT_SHARE = 0.20;
    private static final String[] NAMES = {"red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink"};
    private static final int[] UPPER_HUE = {8, 20, 33, 78, 95, 130, 150, 170};

    private ColourTags() {}

    static List<String> of(Mat bgr) {
        double[] share = new double[NAMES.length];
        long pixels;
        long vivid = 0;
        double brightness = 0;
        try (Mat small = new Mat(); Mat hsv = new Mat(); Size size = new Size(160, Math.max(1, 160 * bgr.rows() / bgr.cols()))) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            cvtColor(small, hsv, COLOR_BGR2HSV);
            pixels = (long) hsv.rows() * hsv.cols();
            try (UByteIndexer idx = hsv.createIndexer()) {
                for (int y = 0; y < hsv.rows(); y++) {
                    for (int x = 0; x < hsv.cols(); x++) {
                        int h = idx.get(y, x, 0);
                        int s = idx.get(y, x, 1);
                        int v = idx.get(y, x, 2);
                        brightness += v;
                        if (s >= 70 && v >= 50) {
                            vivid++;
                            share[band(h)]++;
                        }
                    }
                }
            }
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (share[i] / pixels >= DOMINANT_SHARE) {
                tags.add(NAMES[i]);
            }
        }
        if (brightness / pixels < 50) {
            tags.add("dark");
        }
        if (vivid / (double) pixels < 0.03) {
            tags.add("monochrome");
        }
        return tags;
    }

    private static int band(int hue) {
        for (int i = 0; i < UPPER_HUE.length; i++) {
            if (hue < UPPER_HUE[i]) {
                return i;
            }
        }
        return 0; // 170..180 wraps to red
    }
}
