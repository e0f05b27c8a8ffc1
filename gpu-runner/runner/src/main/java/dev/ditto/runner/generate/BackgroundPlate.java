package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.bitwise_or;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.drawContours;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.bytedeco.opencv.global.opencv_photo.INPAINT_TELEA;

import dev.ditto.runner.Progress;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Person removal from a clean background plate: the people are cut out of every frame (the selfie mask, holes closed,
 * grown, joined with the neighbouring frames' so a fast arm leaves no trace), the frames are aligned on the camera's
 * motion (the median flow of the background), and each pixel of the plate is the median of the frames in which the
 * background there is seen. What no frame shows is inpainted once (Telea) on the plate. Every frame's hole is then
 * filled from the same plate, moved with the camera: the fill is temporally consistent by construction, not
 * re-inpainted per frame (which flickers) nor carried from frame to frame (which drags smears of the person along).
 * Outside the hole the plate also stands for the background wherever the frame agrees with it within noise
 * ({@link #agreement}), so there is no seam between fill and frame moving with the hole's edge.
 */
final class BackgroundPlate {
    /** At most this many frames are sampled for the plate's median. */
    static final int PLATE_FRAMES = 24;
    /** A frame's hole is joined with the holes of this many frames on either side. */
    static final int NEIGHBOURS = 2;

    private BackgroundPlate() {}

    static void fill(GenerationState s, Progress progress) {
        int n = s.frames();
        int key = s.keyIndex;
        int w = s.source.get(0).cols();
        int h = s.source.get(0).rows();
        // the camera's path, in full-resolution pixels: where a scene point at p in the key frame is in frame t
        double[] camX = new double[n];
        double[] camY = new double[n];
        for (int t = key + 1; t < n; t++) {
            float[] m = backgroundMotion(s.forward(t - 1), s.mask(t - 1));
            camX[t] = camX[t - 1] + m[0] / GenerationState.FLOW_SCALE;
            camY[t] = camY[t - 1] + m[1] / GenerationState.FLOW_SCALE;
        }
        for (int t = key - 1; t >= 0; t--) {
            float[] m = backgroundMotion(s.backward(t), s.mask(t + 1));
            camX[t] = camX[t + 1] + m[0] / GenerationState.FLOW_SCALE;
            camY[t] = camY[t + 1] + m[1] / GenerationState.FLOW_SCALE;
        }
        // the hole of every frame: the person, closed, filled, grown; then joined with its neighbours'
        Mat[] hard = new Mat[n];
        IntStream.range(0, n).parallel().forEach(t -> hard[t] = hardMask(s.mask(t)));
        Mat[] hole = new Mat[n];
        IntStream.range(0, n).parallel().forEach(t -> {
            Mat u = hard[t].clone();
            for (int d = -NEIGHBOURS; d <= NEIGHBOURS; d++) {
                if (d != 0 && t + d >= 0 && t + d < n) {
                    bitwise_or(u, hard[t + d], u);
                }
            }
            hole[t] = u;
        });
        progress.report("propagation", 0.2);
        Mat first = plate(s, hole, camX, camY, key, w, h);
        // second pass: what differs from the first plate near the person is the person too (where the segmentation
        // missed an arm or the thing in the hand, the first plate's median may have taken it for background)
        IntStream.range(0, n).parallel().forEach(t -> {
            try (Mat moved = shifted(first, camX[t], camY[t], INTER_LINEAR);
                 Mat extra = foreground(s.source.get(t), moved, hole[t])) {
                bitwise_or(extra, hole[t], hole[t]);
            }
        });
        first.close();
        Mat plate = plate(s, hole, camX, camY, key, w, h);
        progress.report("propagation", 0.6);
        try {
            IntStream.range(0, n).parallel().forEach(t -> {
                try (Mat alpha = new Mat(); Size k = new Size(0, 0);
                     Mat moved = shifted(plate, camX[t], camY[t], INTER_LINEAR)) {
                    // what the mask missed (a fast hand's blur, the lid of what it holds, a shadow): near the hole,
                    // whatever differs clearly from the clean background is the person's too
                    try (Mat extra = foreground(s.source.get(t), moved, hole[t])) {
                        bitwise_or(extra, hole[t], hole[t]);
                    }
                    // a soft edge inside the grown hole: the person is fully covered, the seam is feathered
                    GaussianBlur(hole[t], alpha, k, 3.0);
                    // outside it, the plate wherever the frame agrees with it (agreement)
                    try (Mat agree = agreement(s.source.get(t), moved)) {
                        org.bytedeco.opencv.global.opencv_core.max(alpha, agree, alpha);
                    }
                    Mat out = LocalEdit.composite(moved, s.source.get(t), alpha);
                    if (s.output[t] != null) {
                        s.output[t].close();
                    }
                    s.output[t] = out;
                    // the fill is coherent by construction: nothing for the temporal enhancer to steady
                    try (Scalar one = new Scalar(1.0)) {
                        if (s.propagated[t] != null && t != key) {
                            s.propagated[t].close();
                        }
                        if (t != key) {
                            s.propagated[t] = new Mat(s.gray[0].rows(), s.gray[0].cols(), CV_32FC1, one);
                        }
                    }
                }
            });
        } finally {
            plate.close();
            for (Mat[] arr : new Mat[][] {hard, hole}) {
                for (Mat m : arr) {
                    if (m != null) {
                        m.close();
                    }
                }
            }
        }
        progress.report("propagation", 1.0);
    }

    /**
     * Pixels within {@link #REACH} px of the hole that differ from the background plate by more than
     * {@link #FOREGROUND_LEVELS} grey levels, grown a little: parts of the person the segmentation missed.
     */
    static Mat foreground(Mat frame, Mat plate, Mat hole) {
        Mat out = new Mat();
        try (Mat diff = new Mat(); Mat gray = new Mat(); Mat bin = new Mat(); Mat near = new Mat();
             Point anchor = new Point(-1, -1); Scalar zero = new Scalar(0.0);
             Size rk = new Size(2 * REACH + 1, 2 * REACH + 1); Size ok = new Size(3, 3); Size gk = new Size(15, 15);
             Mat reach = getStructuringElement(MORPH_ELLIPSE, rk); Mat open = getStructuringElement(MORPH_ELLIPSE, ok);
             Mat grow = getStructuringElement(MORPH_ELLIPSE, gk)) {
            org.bytedeco.opencv.global.opencv_core.absdiff(frame, plate, diff);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(diff, gray,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            threshold(gray, bin, FOREGROUND_LEVELS, 255, THRESH_BINARY);
            dilate(hole, near, reach, anchor, 1, BORDER_CONSTANT, zero);
            org.bytedeco.opencv.global.opencv_core.bitwise_and(bin, near, bin);
            morphologyEx(bin, bin, org.bytedeco.opencv.global.opencv_imgproc.MORPH_OPEN, open, anchor, 1,
                    BORDER_CONSTANT, zero);
            dilate(bin, out, grow, anchor, 1, BORDER_CONSTANT, zero);
        }
        return out;
    }

    /**
     * Grey levels (after a σ 2 px blur of the difference) within which a frame agrees with the plate outside the
     * hole: there the output is the plate, fully up to this, fading to the frame's own pixels at twice it.
     */
    static final int AGREE = 12;

    /**
     * 255 where the frame agrees with the plate within {@link #AGREE} grey levels, ramping to 0 at twice that: there
     * the plate (the same pixels in every frame, moved with the camera) stands for the background, so the fill and
     * the wall around it are one surface with no seam moving with the hole's edge, and the still background is as
     * steady as the fill. Where the frame really differs from the plate (something else moves, the light changes)
     * the frame is kept.
     */
    static Mat agreement(Mat frame, Mat plate) {
        Mat out = new Mat();
        try (Mat diff = new Mat(); Mat gray = new Mat(); Size k = new Size(0, 0)) {
            org.bytedeco.opencv.global.opencv_core.absdiff(frame, plate, diff);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(diff, gray,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            GaussianBlur(gray, gray, k, 2.0);
            // d <= AGREE -> 255, d >= 2 AGREE -> 0
            gray.convertTo(out, CV_8UC1, -255.0 / AGREE, 510);
        }
        return out;
    }

    /** How far from the segmented person a missed part of it is looked for, px. */
    static final int REACH = 72;
    /** Grey levels from the clean background above which a pixel near the person is the person's. */
    static final int FOREGROUND_LEVELS = 28;

    /** The frame moved by (dx, dy) (zero motion: a copy, no resampling). */
    private static Mat shifted(Mat image, double dx, double dy, int interpolation) {
        Mat out = new Mat();
        if (Math.abs(dx) < 1e-3 && Math.abs(dy) < 1e-3) {
            image.copyTo(out);
            return out;
        }
        try (Mat m = new Mat(2, 3, CV_64F); Scalar zero = new Scalar(0.0)) {
            DoubleBuffer d = m.createBuffer();
            d.put(0, 1).put(1, 0).put(2, dx).put(3, 0).put(4, 1).put(5, dy);
            // the plate's edge repeated where it moved in (never black), the masks' zero
            warpAffine(image, out, m, image.size(), interpolation,
                    image.channels() == 3 ? org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE : BORDER_CONSTANT,
                    zero);
        }
        return out;
    }

    /**
     * The person as a hard mask: the segmentation's soft mask from 1/8, gaps and holes closed (the tumbler in a hand,
     * the dark inside of a sleeve score low), grown by ~10 px (motion blur, hair, shadow at the edge).
     */
    static Mat hardMask(Mat soft) {
        Mat out = new Mat();
        try (Mat bin = new Mat(); Mat closed = new Mat(); MatVector contours = new MatVector();
             Mat hierarchy = new Mat(); Point anchor = new Point(-1, -1); Scalar white = new Scalar(255.0);
             Scalar zero = new Scalar(0.0); Point anchor0 = new Point(0, 0); Size ck = new Size(21, 21); Size dk = new Size(21, 21);
             Mat close = getStructuringElement(MORPH_ELLIPSE, ck); Mat grow = getStructuringElement(MORPH_ELLIPSE, dk)) {
            threshold(soft, bin, 24, 255, THRESH_BINARY);
            morphologyEx(bin, closed, MORPH_CLOSE, close, anchor, 1, BORDER_CONSTANT, zero);
            findContours(closed.clone(), contours, hierarchy, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE);
            drawContours(closed, contours, -1, white, FILLED, 8, hierarchy, Integer.MAX_VALUE, anchor0);
            dilate(closed, out, grow, anchor, 1, BORDER_CONSTANT, zero);
        }
        return out;
    }

    /**
     * The clean background in key-frame coordinates: per pixel the median over sampled frames (aligned on the camera)
     * in which the pixel is outside the hole; pixels never seen are inpainted.
     */
    private static Mat plate(GenerationState s, Mat[] hole, double[] camX, double[] camY, int key, int w, int h) {
        int n = s.frames();
        int step = Math.max(1, (int) Math.ceil(n / (double) PLATE_FRAMES));
        int[] sampled = IntStream.iterate(key % step, t -> t < n, t -> t + step).toArray();
        int m = sampled.length;
        byte[][] px = new byte[m][];
        byte[][] seen = new byte[m][];
        IntStream.range(0, m).parallel().forEach(i -> {
            int t = sampled[i];
            try (Mat f = shifted(s.source.get(t), -camX[t], -camY[t], INTER_LINEAR);
                 Mat o = new Mat(h, w, CV_8UC1, new Scalar(255.0)); Mat inFrame = shifted(o, -camX[t], -camY[t], INTER_NEAREST);
                 Mat hl = shifted(hole[t], -camX[t], -camY[t], INTER_NEAREST)) {
                px[i] = new byte[3 * w * h];
                ((ByteBuffer) f.createBuffer()).get(0, px[i]);
                byte[] in = new byte[w * h];
                byte[] hb = new byte[w * h];
                ((ByteBuffer) inFrame.createBuffer()).get(0, in);
                ((ByteBuffer) hl.createBuffer()).get(0, hb);
                for (int p = 0; p < w * h; p++) {
                    in[p] = (byte) ((in[p] & 0xff) > 128 && (hb[p] & 0xff) < 128 ? 1 : 0);
                }
                seen[i] = in;
            }
        });
        // the whole frame: outside the holes the plate stands for the background where the frame agrees with it
        Mat plate = s.source.get(key).clone();
        byte[] out = new byte[3 * w * h];
        ((ByteBuffer) plate.createBuffer()).get(0, out);
        byte[] missing = new byte[w * h];
        int minSeen = Math.max(2, (m + 2) / 3);
        IntStream.range(0, h).parallel().forEach(y -> {
            int[][] v = new int[3][m];
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int k = 0;
                for (int i = 0; i < m; i++) {
                    if (seen[i][p] != 0) {
                        v[0][k] = px[i][3 * p] & 0xff;
                        v[1][k] = px[i][3 * p + 1] & 0xff;
                        v[2][k] = px[i][3 * p + 2] & 0xff;
                        k++;
                    }
                }
                if (k < minSeen) {
                    // seen too rarely to trust (a frame whose mask missed the arm is not the wall behind it)
                    missing[p] = (byte) 255;
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    Arrays.sort(v[c], 0, k);
                    out[3 * p + c] = (byte) v[c][k / 2];
                }
            }
        });
        ((ByteBuffer) plate.createBuffer()).put(0, out);
        try (Mat miss = new Mat(h, w, CV_8UC1)) {
            ((ByteBuffer) miss.createBuffer()).put(0, missing);
            inpaintHalf(plate, miss);
        }
        return plate;
    }

    /** Telea inpainting of {@code holes} in {@code plate} at half resolution, written back into the holes only. */
    private static void inpaintHalf(Mat plate, Mat holes) {
        if (org.bytedeco.opencv.global.opencv_core.countNonZero(holes) == 0) {
            return;
        }
        try (Mat small = new Mat(); Mat smallMask = new Mat(); Mat filled = new Mat(); Mat up = new Mat();
             Size half = new Size(Math.max(1, plate.cols() / 2), Math.max(1, plate.rows() / 2))) {
            resize(plate, small, half, 0, 0, INTER_AREA);
            resize(holes, smallMask, half, 0, 0, INTER_LINEAR);
            threshold(smallMask, smallMask, 1, 255, THRESH_BINARY);
            opencv_photo.inpaint(small, smallMask, filled, 5, INPAINT_TELEA);
            resize(filled, up, plate.size(), 0, 0, INTER_LINEAR);
            up.copyTo(plate, holes);
        }
    }

    /** The median flow of the pixels outside the person (the camera's motion), at flow resolution. */
    private static float[] backgroundMotion(Mat flow, Mat mask) {
        try (Mat low = new Mat()) {
            resize(mask, low, flow.size(), 0, 0, INTER_AREA);
            int count = flow.cols() * flow.rows();
            FloatBuffer f = flow.createBuffer();
            ByteBuffer mb = low.createBuffer();
            float[] xs = new float[count];
            float[] ys = new float[count];
            int k = 0;
            for (int i = 0; i < count; i++) {
                if ((mb.get(i) & 0xff) < 64) {
                    xs[k] = f.get(2 * i);
                    ys[k] = f.get(2 * i + 1);
                    k++;
                }
            }
            if (k == 0) {
                return new float[2];
            }
            Arrays.sort(xs, 0, k);
            Arrays.sort(ys, 0, k);
            return new float[] {xs[k / 2], ys[k / 2]};
        }
    }
}
