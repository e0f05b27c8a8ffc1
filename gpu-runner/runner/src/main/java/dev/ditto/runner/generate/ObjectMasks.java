package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_FGD;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_INIT_WITH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.GC_PR_FGD;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.grabCut;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.runner.vision.ObjectDetector;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/**
 * Masks of the object an instruction names: the detector's box for the class in that frame (else the box of the
 * nearest frame that shows it), grown by {@link #GROW} on each side because the SSD's boxes are loose, then refined to the
 * object's pixels with GrabCut at low resolution, less skin-toned pixels (the hand holding it). Nothing outside the grown box is ever in the mask.
 */
final class ObjectMasks {
    static final double GROW = 0.2;
    private static final int WORK_WIDTH = 256;

    /** Finds the best box of a class in a frame, or null ({@link ObjectDetector#best}). */
    @FunctionalInterface
    interface Locator {
        ObjectDetector.@Nullable Detection best(Mat bgr, String label);
    }

    private final Locator detector;
    private final String label;
    private ObjectDetector.@Nullable Detection last;

    private final boolean dropSkin;

    /**
     * @param dropSkin whether skin-toned pixels leave the mask (recolour, restyle: the holding hand stays as it
     *     is); removal keeps them, or the object's own skin-toned parts would be left floating in the fill
     */
    ObjectMasks(ObjectDetector detector, String label, boolean dropSkin) {
        this(detector::best, label, dropSkin);
    }

    ObjectMasks(Locator detector, String label, boolean dropSkin) {
        this.detector = detector;
        this.label = label;
        this.dropSkin = dropSkin;
    }

    /** The class masked. */
    String label() {
        return label;
    }

    /** The detection in the key frame; refuses the edit when the object is not there. */
    synchronized ObjectDetector.Detection locateInKeyFrame(Mat key) {
        ObjectDetector.Detection d = detector.best(key, label);
        if (d == null) {
            throw new IllegalArgumentException("no " + label + " detected in the key frame (detector classes "
                    + ObjectDetector.CLASSES + "); the edit names an object the clip does not show");
        }
        last = d;
        return d;
    }

    /** The soft 8-bit mask of the object in {@code bgr}, a frame on its own (else the box last seen). */
    synchronized Mat mask(Mat bgr) {
        ObjectDetector.Detection d = detector.best(bgr, label);
        if (d != null) {
            last = d;
        } else if (last == null) {
            d = locateInKeyFrame(bgr);
        } else {
            d = last;
        }
        return masked(bgr, d);
    }

    /** Detections per frame of the clip, once looked for (an empty one: the detector missed the object there). */
    private final java.util.Map<Integer, java.util.Optional<ObjectDetector.Detection>> detections = new java.util.HashMap<>();

    /**
     * The soft 8-bit mask of the object in frame {@code t} of a clip of {@code n} frames. Where the detector misses it,
     * the box of the nearest frame that shows it (the earlier one of two as near) stands in, so the mask of a frame
     * does not depend on the order the frames are rendered in: a regenerated sample gets the same frames.
     */
    synchronized Mat mask(int t, int n, java.util.function.IntFunction<Mat> frames) {
        return masked(frames.apply(t), boxFor(t, n, frames));
    }

    /** The box frame {@code t}'s mask starts from: its own detection, else the nearest frame's ({@link #mask(int, int, java.util.function.IntFunction)}). */
    synchronized ObjectDetector.Detection boxFor(int t, int n, java.util.function.IntFunction<Mat> frames) {
        ObjectDetector.Detection d = detection(t, frames);
        for (int k = 1; d == null && k < n; k++) {
            if (t - k >= 0) {
                d = detection(t - k, frames);
            }
            if (d == null && t + k < n) {
                d = detection(t + k, frames);
            }
        }
        if (d == null) {
            throw new IllegalArgumentException("no " + label + " detected in any frame (detector classes "
                    + ObjectDetector.CLASSES + "); the edit names an object the clip does not show");
        }
        return d;
    }

    private ObjectDetector.@Nullable Detection detection(int t, java.util.function.IntFunction<Mat> frames) {
        return detections.computeIfAbsent(t, i -> java.util.Optional.ofNullable(detector.best(frames.apply(i), label)))
                .orElse(null);
    }

    private Mat masked(Mat bgr, ObjectDetector.Detection d) {
        Mat mask = refine(bgr, d.x(), d.y(), d.width(), d.height());
        if (dropSkin && !label.equals("person")) {
            withoutSkin(bgr, mask);
        }
        return mask;
    }

    /**
     * Clears skin-toned pixels (YCrCb Cr 135..175, Cb 80..130) from {@code mask}: objects are held by hands, and
     * GrabCut, started from a box around the object, keeps the hand with it.
     */
    static void withoutSkin(Mat bgr, Mat mask) {
        try (Mat ycc = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(bgr, ycc,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb);
            java.nio.ByteBuffer m = mask.createBuffer();
            java.nio.ByteBuffer y = ycc.createBuffer();
            for (int i = 0, n = bgr.cols() * bgr.rows(); i < n; i++) {
                int cr = y.get(3 * i + 1) & 0xff;
                int cb = y.get(3 * i + 2) & 0xff;
                if (cr >= 135 && cr <= 175 && cb >= 80 && cb <= 130) {
                    m.put(i, (byte) 0);
                }
            }
        }
    }

    /** GrabCut inside the grown box {@code x, y, w, h} (pixels of {@code bgr}). */
    static Mat refine(Mat bgr, int x, int y, int w, int h) {
        int gx = (int) Math.round(w * GROW);
        int gy = (int) Math.round(h * GROW);
        int x0 = Math.max(0, x - gx);
        int y0 = Math.max(0, y - gy);
        int x1 = Math.min(bgr.cols(), x + w + gx);
        int y1 = Math.min(bgr.rows(), y + h + gy);
        double scale = Math.min(1.0, WORK_WIDTH / (double) bgr.cols());
        int sw = Math.max(8, (int) Math.round(bgr.cols() * scale));
        int sh = Math.max(8, (int) Math.round(bgr.rows() * scale));
        int bx = (int) Math.floor(x0 * scale);
        int by = (int) Math.floor(y0 * scale);
        int bw = Math.max(2, Math.min(sw - bx, (int) Math.ceil((x1 - x0) * scale)));
        int bh = Math.max(2, Math.min(sh - by, (int) Math.ceil((y1 - y0) * scale)));
        try (Mat small = new Mat(); Mat labels = new Mat(); Mat bg = new Mat(); Mat fg = new Mat();
             Mat binary = new Mat(); Size size = new Size(sw, sh); Rect box = new Rect(bx, by, bw, bh);
             Mat lut = new Mat(1, 256, CV_8U); Size k = new Size(5, 5)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            grabCut(small, labels, box, bg, fg, 4, GC_INIT_WITH_RECT);
            UByteIndexer idx = lut.createIndexer();
            for (int i = 0; i < 256; i++) {
                idx.put(0, i, (i == GC_FGD || i == GC_PR_FGD) ? 255 : 0);
            }
            idx.close();
            LUT(labels, lut, binary);
            GaussianBlur(binary, binary, k, 0);
            Mat full = new Mat();
            resize(binary, full, bgr.size(), 0, 0, INTER_LINEAR);
            return full;
        }
    }
}
