package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_INIT_WITH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_FGD;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_PR_FGD;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.grabCut;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Classical fallback when no segmentation model is available: GrabCut initialised with the central subject box that
 * framing conventions put people in. Weaker than the model; provenance names it so downstream scores can tell.
 */
final class GrabCutSegmenter implements PersonSegmenter {
    private static final int WORK_WIDTH = 208;

    @Override
    public Mat mask(Mat bgr) {
        double scale = Math.min(1.0, WORK_WIDTH / (double) bgr.cols());
        int w = Math.max(8, (int) Math.round(bgr.cols() * scale));
        int h = Math.max(8, (int) Math.round(bgr.rows() * scale));
        try (Mat small = new Mat(); Mat labels = new Mat(); Mat bg = new Mat(); Mat fg = new Mat();
             Mat binary = new Mat(); Size size = new Size(w, h);
             Rect box = new Rect(w / 4, h / 10, w / 2, h - h / 10)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            grabCut(small, labels, box, bg, fg, 3, GC_INIT_WITH_RECT);
            // GC_FGD (1) and GC_PR_FGD (3) are the odd labels
            try (Mat lut = new Mat(1, 256, CV_8U)) {
                var idx = lut.createIndexer();
                for (int i = 0; i < 256; i++) {
                    ((org.bytedeco.javacpp.indexer.UByteIndexer) idx).put(0, i, (i == GC_FGD || i == GC_PR_FGD) ? 255 : 0);
                }
                idx.close();
                LUT(labels, lut, binary);
            }
            try (Size k = new Size(5, 5)) {
                GaussianBlur(binary, binary, k, 0);
            }
            Mat full = new Mat();
            try (Size fullSize = new Size(bgr.cols(), bgr.rows())) {
                resize(binary, full, fullSize, 0, 0, INTER_LINEAR);
            }
            return full;
        }
    }

    @Override
    public String engine() {
        return "opencv-grabcut";
    }

    @Override
    public String model() {
        return "classical-grabcut-centre-box (fallback: no segmentation model file)";
    }

    @Override
    public String version() {
        return org.bytedeco.opencv.global.opencv_core.CV_VERSION;
    }

    @Override
    public void close() {}
}
