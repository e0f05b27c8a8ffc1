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

import dev.ditto.runner.Progress;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Person removal from a clean background plate: the people are cut out of every frame (the selfie mask, holes closed,
 * grown, joined with the neighbouring frames' so a fast arm leaves no trace), the frames are aligned on the camera's
 * motion (the median flow of the background, or a still camera where that fits the frames better:
 * {@link #pathFitsBetter}) and brought to the key frame's exposure ({@link #exposure}), and each pixel of the plate
 * is the median of the frames in which the background there is seen. What no frame shows is filled with the
 * smoothest surface that meets its surroundings ({@link #fillSmooth}), and the plate is smoothed edge-preservingly.
 * Every frame's hole is then filled from the same plate, moved with the camera: the fill is temporally consistent by
 * construction, not re-inpainted per frame (which flickers) nor carried from frame to frame (which drags smears of
 * the person along). Outside the hole the plate also stands for the background wherever the frame (at the key
 * frame's exposure) agrees with it within noise, or near the person is darker than it by a shadow's depth
 * ({@link #agreement(Mat, Mat, Mat, int)}), so there is no seam between fill and frame moving with the hole's edge
 * and the person's shadow goes with them.
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
        // a still camera unless the flow's path fits the frames better: on a blank wall the flow is dragged along by
        // the moving arm, and its median path wandered 60 px on the cup clip (filmed from a tripod), misaligning the
        // plate's frames (the marks on the wall were averaged away) and sliding the plate across the clip
        if (!pathFitsBetter(s, hard, camX, camY, key)) {
            Arrays.fill(camX, 0);
            Arrays.fill(camY, 0);
        }
        progress.report("propagation", 0.2);
        // each frame's exposure relative to the key frame's (the camera's auto exposure drifts as the dark things in
        // the hand come and go): the plate's median is taken over frames brought to the key frame's exposure
        double[][] gain = exposure(s, hole, camX, camY, key);
        Mat first = plate(s, hole, camX, camY, gain, key, w, h);
        // second pass: what differs from the first plate near the person is the person too (where the segmentation
        // missed an arm or the thing in the hand, the first plate's median may have taken it for background)
        IntStream.range(0, n).parallel().forEach(t -> {
            try (Mat moved = exposed(shifted(first, camX[t], camY[t], INTER_LINEAR), gain[t]);
                 Mat extra = foreground(s.source.get(t), moved, hole[t])) {
                bitwise_or(extra, hole[t], hole[t]);
            }
        });
        first.close();
        Mat plate = plate(s, hole, camX, camY, gain, key, w, h);
        // the median's faint residue (the source's compression blocks, seams between frames) smoothed, edges kept
        try (Mat smooth = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.bilateralFilter(plate, smooth, -1, SMOOTH_LEVELS, SMOOTH_PX);
            smooth.copyTo(plate);
        }
        progress.report("propagation", 0.6);
        try {
            IntStream.range(0, n).parallel().forEach(t -> {
                // the frame at the key frame's exposure: the drift of the camera's auto exposure was its answer to
                // the person and what they hold coming and going, and goes with them
                try (Mat alpha = new Mat(); Size k = new Size(0, 0);
                     Mat frame = exposed(s.source.get(t).clone(), inverse(gain[t]));
                     Mat moved = shifted(plate, camX[t], camY[t], INTER_LINEAR)) {
                    // what the mask missed (a fast hand's blur, the lid of what it holds, a shadow): near the hole,
                    // whatever differs clearly from the clean background is the person's too
                    try (Mat extra = foreground(frame, moved, hole[t])) {
                        bitwise_or(extra, hole[t], hole[t]);
                    }
                    // a soft edge inside the grown hole: the person is fully covered, the seam is feathered
                    GaussianBlur(hole[t], alpha, k, 3.0);
                    // outside it, the plate wherever the frame agrees with it (agreement)
                    try (Mat agree = agreement(frame, moved, hole[t], SHADOW)) {
                        org.bytedeco.opencv.global.opencv_core.max(alpha, agree, alpha);
                    }
                    Mat out = LocalEdit.composite(moved, frame, alpha);
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

    /**
     * {@link #agreement(Mat, Mat)}, and near the hole (within {@link #REACH} px) also wherever the frame is darker than
     * the plate by up to {@code shadow} grey levels (fading to none at twice that): the shadow the person and what
     * they hold cast on the wall and the table goes with them.
     */
    static Mat agreement(Mat frame, Mat plate, Mat hole, int shadow) {
        Mat out = agreement(frame, plate);
        try (Mat f = new Mat(); Mat p = new Mat(); Mat d = new Mat(); Mat dark = new Mat(); Mat near = new Mat();
             Size k = new Size(0, 0); Point anchor = new Point(-1, -1); Scalar zero = new Scalar(0.0);
             Size rk = new Size(2 * SHADOW_REACH + 1, 2 * SHADOW_REACH + 1); Mat reach = getStructuringElement(MORPH_ELLIPSE, rk)) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(frame, f,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(plate, p,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            // how much darker the frame is than the plate (0 where it is lighter), blurred like the agreement
            org.bytedeco.opencv.global.opencv_core.subtract(p, f, d);
            GaussianBlur(d, d, k, 2.0);
            d.convertTo(dark, CV_8UC1, -255.0 / shadow, 510);
            // not where it is lighter than the plate beyond the agreement
            org.bytedeco.opencv.global.opencv_core.subtract(f, p, d);
            GaussianBlur(d, d, k, 2.0);
            try (Mat light = new Mat()) {
                d.convertTo(light, CV_8UC1, -255.0 / AGREE, 510);
                org.bytedeco.opencv.global.opencv_core.min(dark, light, dark);
            }
            dilate(hole, near, reach, anchor, 1, BORDER_CONSTANT, zero);
            org.bytedeco.opencv.global.opencv_core.bitwise_and(dark, near, dark);
            org.bytedeco.opencv.global.opencv_core.max(out, dark, out);
        }
        return out;
    }

    /** How far from the hole a darkening is taken for the person's shadow, px. */
    static final int SHADOW_REACH = 200;
    /** Grey levels of darkening near the hole that are the person's shadow (fading to none at twice this). */
    static final int SHADOW = 48;
    /** The plate's edge-preserving smoothing: bilateral filter, σ in grey levels and in px. */
    static final double SMOOTH_LEVELS = 8;
    static final double SMOOTH_PX = 6;

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
    private static Mat plate(GenerationState s, Mat[] hole, double[] camX, double[] camY, double[][] gain, int key,
                             int w, int h) {
        int n = s.frames();
        int step = Math.max(1, (int) Math.ceil(n / (double) PLATE_FRAMES));
        int[] sampled = IntStream.iterate(key % step, t -> t < n, t -> t + step).toArray();
        int m = sampled.length;
        byte[][] px = new byte[m][];
        byte[][] seen = new byte[m][];
        IntStream.range(0, m).parallel().forEach(i -> {
            int t = sampled[i];
            try (Mat f = exposed(shifted(s.source.get(t), -camX[t], -camY[t], INTER_LINEAR), inverse(gain[t]));
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
            fillSmooth(plate, miss);
        }
        return plate;
    }

    /** Pixels compared per frame for its exposure: every {@code EXPOSURE_STRIDE}-th in each direction. */
    static final int EXPOSURE_STRIDE = 3;

    /**
     * Per frame, the gain per channel (B, G, R) that brings the key frame's exposure to the frame's: the median of
     * frame / key frame over the background both see (outside both holes, the frame moved back along the camera's
     * path), from every pixel of it rather than a ring around the hole, whose content changes with the hand's
     * shadow. Pixels near black or white say nothing about a gain and are left out.
     */
    static double[][] exposure(GenerationState s, Mat[] hole, double[] camX, double[] camY, int key) {
        int n = s.frames();
        Mat keyFrame = s.source.get(key);
        int w = keyFrame.cols();
        int h = keyFrame.rows();
        byte[] kp = new byte[3 * w * h];
        byte[] kh = new byte[w * h];
        ((ByteBuffer) keyFrame.createBuffer()).get(0, kp);
        ((ByteBuffer) hole[key].createBuffer()).get(0, kh);
        double[][] gain = new double[n][];
        IntStream.range(0, n).parallel().forEach(t -> {
            if (t == key) {
                gain[t] = new double[] {1, 1, 1};
                return;
            }
            try (Mat f = shifted(s.source.get(t), -camX[t], -camY[t], INTER_NEAREST);
                 Mat o = new Mat(h, w, CV_8UC1, new Scalar(255.0));
                 Mat inFrame = shifted(o, -camX[t], -camY[t], INTER_NEAREST);
                 Mat hl = shifted(hole[t], -camX[t], -camY[t], INTER_NEAREST)) {
                byte[] fp = new byte[3 * w * h];
                byte[] in = new byte[w * h];
                byte[] hb = new byte[w * h];
                ((ByteBuffer) f.createBuffer()).get(0, fp);
                ((ByteBuffer) inFrame.createBuffer()).get(0, in);
                ((ByteBuffer) hl.createBuffer()).get(0, hb);
                int bins = 1024;
                int[][] hist = new int[3][bins];
                int count = 0;
                for (int y = 0; y < h; y += EXPOSURE_STRIDE) {
                    for (int x = 0; x < w; x += EXPOSURE_STRIDE) {
                        int p = y * w + x;
                        if ((in[p] & 0xff) < 128 || (hb[p] & 0xff) >= 128 || (kh[p] & 0xff) >= 128) {
                            continue;
                        }
                        boolean usable = true;
                        for (int c = 0; c < 3 && usable; c++) {
                            int a = kp[3 * p + c] & 0xff;
                            int b = fp[3 * p + c] & 0xff;
                            usable = a >= 16 && a <= 245 && b >= 16 && b <= 245;
                        }
                        if (!usable) {
                            continue;
                        }
                        count++;
                        for (int c = 0; c < 3; c++) {
                            // log2 of the ratio in [-1, 1) at 1/512 per bin
                            double r = Math.log((fp[3 * p + c] & 0xff) / (double) (kp[3 * p + c] & 0xff)) / Math.log(2);
                            int bin = (int) Math.floor((r + 1) * bins / 2);
                            hist[c][Math.max(0, Math.min(bins - 1, bin))]++;
                        }
                    }
                }
                double[] g = {1, 1, 1};
                if (count >= 1000) {
                    for (int c = 0; c < 3; c++) {
                        int acc = 0;
                        int bin = 0;
                        while (bin < bins - 1 && acc + hist[c][bin] <= count / 2) {
                            acc += hist[c][bin++];
                        }
                        // within the median's bin, linearly
                        double frac = hist[c][bin] == 0 ? 0.5 : (count / 2.0 - acc) / hist[c][bin];
                        g[c] = Math.pow(2, (bin + frac) * 2.0 / bins - 1);
                    }
                }
                gain[t] = g;
            }
        });
        return gain;
    }

    private static double[] inverse(double[] g) {
        return new double[] {1 / g[0], 1 / g[1], 1 / g[2]};
    }

    /** {@code image} (BGR, 8-bit) with each channel multiplied by its gain, in place; returns it. */
    static Mat exposed(Mat image, double[] g) {
        if (Math.abs(g[0] - 1) < 1e-4 && Math.abs(g[1] - 1) < 1e-4 && Math.abs(g[2] - 1) < 1e-4) {
            return image;
        }
        try (Mat m = new Mat(3, 3, CV_64F, new Scalar(0.0))) {
            DoubleBuffer d = m.createBuffer();
            d.put(0, g[0]).put(4, g[1]).put(8, g[2]);
            org.bytedeco.opencv.global.opencv_core.transform(image, image, m);
        }
        return image;
    }

    /** Relaxation steps of {@link #fillSmooth} at a quarter of the resolution, after the pyramid's first guess. */
    static final int SMOOTH_FILL_STEPS = 300;

    /**
     * Fills {@code holes} of {@code plate} with the smoothest surface that meets the pixels around them (a membrane:
     * each filled pixel the mean of its neighbours), at a quarter of the resolution: a first guess from a pyramid of
     * masked means (push-pull), then {@link #SMOOTH_FILL_STEPS} Jacobi steps. What no frame shows of a blank wall is
     * a smooth shading, not the streaks and blocks a patch- or front-based inpainting leaves, which read as flicker
     * wherever the scene's flow sweeps across them (the arm that hid it moves).
     */
    static void fillSmooth(Mat plate, Mat holes) {
        if (org.bytedeco.opencv.global.opencv_core.countNonZero(holes) == 0) {
            return;
        }
        int cols = Math.max(1, plate.cols() / 4);
        int rows = Math.max(1, plate.rows() / 4);
        try (Size quarter = new Size(cols, rows); Mat small = new Mat(); Mat known = new Mat(); Mat unknown = new Mat();
             Mat x = new Mat(); Mat avg = new Mat(); Mat up = new Mat(); Mat up8 = new Mat(); Size k3 = new Size(3, 3);
             Point anchor = new Point(-1, -1)) {
            try (Mat f = new Mat(); Mat holeF = new Mat()) {
                plate.convertTo(f, org.bytedeco.opencv.global.opencv_core.CV_32FC3);
                resize(f, small, quarter, 0, 0, INTER_AREA);
                holes.convertTo(holeF, CV_32FC1, 1 / 255.0, 0);
                resize(holeF, known, quarter, 0, 0, INTER_AREA);
            }
            // known: a quarter-resolution pixel none of whose full-resolution pixels is a hole
            org.bytedeco.opencv.global.opencv_core.compare(known, new Mat(known.size(), CV_32FC1, new Scalar(0.0)),
                    unknown, org.bytedeco.opencv.global.opencv_core.CMP_GT);
            try (Mat weight = new Mat()) {
                org.bytedeco.opencv.global.opencv_core.bitwise_not(unknown, weight);
                weight.convertTo(known, CV_32FC1, 1 / 255.0, 0);
            }
            pushPull(small, known, x);
            for (int i = 0; i < SMOOTH_FILL_STEPS; i++) {
                org.bytedeco.opencv.global.opencv_imgproc.blur(x, avg, k3, anchor,
                        org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE);
                avg.copyTo(x, unknown);
            }
            resize(x, up, plate.size(), 0, 0, INTER_LINEAR);
            up.convertTo(up8, plate.type());
            up8.copyTo(plate, holes);
        }
    }

    /**
     * Push-pull: {@code image} where {@code weight} (0..1, CV_32FC1) is 1, elsewhere the weighted mean of the known
     * pixels around, from ever coarser levels, into {@code out} (CV_32FC3).
     */
    private static void pushPull(Mat image, Mat weight, Mat out) {
        java.util.List<Mat[]> levels = new java.util.ArrayList<>();
        Mat a = new Mat();
        try (Mat w3 = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(weight, w3,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
            org.bytedeco.opencv.global.opencv_core.multiply(image, w3, a);
        }
        levels.add(new Mat[] {a, weight.clone()});
        while (Math.min(levels.getLast()[0].cols(), levels.getLast()[0].rows()) > 4) {
            Mat[] last = levels.getLast();
            Mat a2 = new Mat();
            Mat b2 = new Mat();
            try (Size half = new Size(Math.max(1, last[0].cols() / 2), Math.max(1, last[0].rows() / 2))) {
                resize(last[0], a2, half, 0, 0, INTER_AREA);
                resize(last[1], b2, half, 0, 0, INTER_AREA);
            }
            levels.add(new Mat[] {a2, b2});
        }
        Mat cur = estimate(levels.getLast()[0], levels.getLast()[1]);
        for (int i = levels.size() - 2; i >= 0; i--) {
            Mat[] l = levels.get(i);
            try (Mat up = new Mat(); Mat est = estimate(l[0], l[1]); Mat b3 = new Mat(); Mat inv = new Mat();
                 Mat p = new Mat(); Mat q = new Mat()) {
                resize(cur, up, l[0].size(), 0, 0, INTER_LINEAR);
                org.bytedeco.opencv.global.opencv_imgproc.cvtColor(l[1], b3,
                        org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
                b3.convertTo(inv, -1, -1, 1);
                org.bytedeco.opencv.global.opencv_core.multiply(est, b3, p);
                org.bytedeco.opencv.global.opencv_core.multiply(up, inv, q);
                cur.close();
                cur = new Mat();
                org.bytedeco.opencv.global.opencv_core.add(p, q, cur);
            }
        }
        cur.copyTo(out);
        cur.close();
        for (Mat[] l : levels) {
            l[0].close();
            l[1].close();
        }
    }

    /** The masked mean's estimate a / b (b clamped away from 0: where b is 0, a is 0 too). */
    private static Mat estimate(Mat a, Mat b) {
        Mat out = new Mat();
        try (Mat b3 = new Mat(); Mat eps = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(b, b3,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
            try (Scalar tiny = new Scalar(1e-6, 1e-6, 1e-6, 0); Mat t = new Mat(b3.size(), b3.type(), tiny)) {
                org.bytedeco.opencv.global.opencv_core.max(b3, t, b3);
            }
            org.bytedeco.opencv.global.opencv_core.divide(a, b3, out);
        }
        return out;
    }

    /** Gradient difference (per px, Sobel units) at which {@link #misfit} stops counting: a moving thing is an outlier. */
    static final double MISFIT_CAP = 32;

    /**
     * Whether the flow's path of the camera ({@code camX, camY}) fits the frames better than a still camera: the
     * frames' gradients moved back along each path onto the key frame's, compared over the background of both
     * (outside the people), each pixel's difference capped ({@link #MISFIT_CAP}). Gradients, so the drift of the
     * exposure does not count; at the flow's resolution.
     */
    static boolean pathFitsBetter(GenerationState s, Mat[] hard, double[] camX, double[] camY, int key) {
        int n = s.frames();
        boolean moves = false;
        for (int t = 0; t < n && !moves; t++) {
            moves = Math.abs(camX[t]) > 0.5 || Math.abs(camY[t]) > 0.5;
        }
        if (!moves) {
            return false;
        }
        double[] path = new double[n];
        double[] still = new double[n];
        Mat[] gray = s.grayFrames();
        try (Mat keyBg = background(hard[key], gray[key].size())) {
            IntStream.range(0, n).parallel().filter(t -> t != key).forEach(t -> {
                try (Mat bg = background(hard[t], gray[t].size())) {
                    double scale = GenerationState.FLOW_SCALE;
                    path[t] = misfit(gray[key], keyBg, gray[t], bg, camX[t] * scale, camY[t] * scale);
                    still[t] = misfit(gray[key], keyBg, gray[t], bg, 0, 0);
                }
            });
        }
        return Arrays.stream(path).sum() < Arrays.stream(still).sum();
    }

    /** 255 outside the (grown) person, at {@code size}. */
    private static Mat background(Mat hard, Size size) {
        Mat out = new Mat();
        try (Mat low = new Mat()) {
            resize(hard, low, size, 0, 0, INTER_AREA);
            threshold(low, out, 0, 255, org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY_INV);
        }
        return out;
    }

    /**
     * Mean capped gradient difference between {@code key} and {@code frame} moved back by (dx, dy) (the frame's
     * pixel for key pixel p is at p + (dx, dy)), over pixels that are background in both.
     */
    static double misfit(Mat key, Mat keyBg, Mat frame, Mat frameBg, double dx, double dy) {
        try (Mat f = shifted(frame, -dx, -dy, INTER_LINEAR); Mat fb = shifted(frameBg, -dx, -dy, INTER_NEAREST);
             Mat both = new Mat(); Mat kx = new Mat(); Mat ky = new Mat(); Mat fx = new Mat(); Mat fy = new Mat();
             Mat d = new Mat(); Mat e = new Mat()) {
            org.bytedeco.opencv.global.opencv_core.bitwise_and(keyBg, fb, both);
            if (org.bytedeco.opencv.global.opencv_core.countNonZero(both) < 1000) {
                return MISFIT_CAP;
            }
            int depth = org.bytedeco.opencv.global.opencv_core.CV_32F;
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(key, kx, depth, 1, 0);
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(key, ky, depth, 0, 1);
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(f, fx, depth, 1, 0);
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(f, fy, depth, 0, 1);
            org.bytedeco.opencv.global.opencv_core.absdiff(kx, fx, d);
            org.bytedeco.opencv.global.opencv_core.absdiff(ky, fy, e);
            org.bytedeco.opencv.global.opencv_core.add(d, e, d);
            org.bytedeco.opencv.global.opencv_imgproc.threshold(d, d, MISFIT_CAP, MISFIT_CAP,
                    org.bytedeco.opencv.global.opencv_imgproc.THRESH_TRUNC);
            try (Scalar m = org.bytedeco.opencv.global.opencv_core.mean(d, both)) {
                return m.get(0);
            }
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
