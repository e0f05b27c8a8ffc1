package dev.ditto.runner.probe;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.dct;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Arrays;
import java.util.HexFormat;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * 64-bit DCT perceptual hash (pHash): grey 32×32, 2-D DCT, the 8×8 lowest frequencies past the DC row and column,
 * each compared with their median. Near-duplicate frames differ in a few bits (Hamming distance).
 */
public final class PerceptualHash {
    private PerceptualHash() {}

    /** The hash of a BGR image as 16 lowercase hex digits. */
    public static String hex(Mat bgr) {
        return HexFormat.of().toHexDigits(of(bgr));
    }

    /** The hash of a BGR image; bit 63 is coefficient (1,1). */
    public static long of(Mat bgr) {
        try (Mat grey = new Mat(); Mat small = new Mat(); Mat floats = new Mat(); Mat freq = new Mat();
             Size size = new Size(32, 32)) {
            if (bgr.channels() == 3) {
                cvtColor(bgr, grey, COLOR_BGR2GRAY);
            } else {
                bgr.copyTo(grey);
            }
            resize(grey, small, size, 0, 0, INTER_AREA);
            small.convertTo(floats, CV_32F);
            dct(floats, freq);
            // rows and columns 1..8: the lowest frequencies without the DC row/column (overall brightness)
            double[] low = new double[64];
            try (FloatIndexer idx = freq.createIndexer()) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        low[y * 8 + x] = idx.get(y + 1, x + 1);
                    }
                }
            }
            double[] sorted = low.clone();
            Arrays.sort(sorted);
            double median = (sorted[31] + sorted[32]) / 2;
            long hash = 0;
            for (double v : low) {
                hash = (hash << 1) | (v > median ? 1 : 0);
            }
            return hash;
        }
    }

    /** Number of differing bits between two hashes. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }
}
