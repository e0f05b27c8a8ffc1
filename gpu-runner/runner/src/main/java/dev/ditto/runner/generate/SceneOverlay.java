package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_DUPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/**
 * An element added to the scene (a sign with text, a sticker): drawn once into the key frame at a scene point, then
 * carried by the propagation along the scene's optical flow, so it stays put on the surface it was drawn on and is
 * covered where that surface is occluded. Newly visible pixels elsewhere are not touched ({@link #apply} is the
 * identity): the element exists only where the key frame's surface travels.
 */
final class SceneOverlay implements EditOperator {
    /**
     * Weight, per pixel of flow departing from the camera's in one frame pair, of that departure in the placement's
     * score (against 1/16 per grey level the footprint changes): where the scene's flow is dragged by a nearby
     * moving hand or is noise, every edge of a rigid element reads as flicker along it.
     */
    static final double FLOW_DEPARTURE_WEIGHT = 1;

    /**
     * Gaussian σ (px) softening the element's edges, sign or sticker ({@link #soften}): a crisp edge of a rigid board on
     * a blank wall is resampled into error by the warp-error metric wherever the wall's flow is noise (contrast-normalised warp-error ratio of {@code add_sign}
     * on the cup clip 1.48 → 1.43; σ 2 gave 1.36 but blurred the letters).
     */
    static final double SOFTEN = 1.0;

    /**
     * Most flow-grid px a frame by which the flow's departure counts in the placement: the warp error of a still
     * element's stroke, displaced farther than its width, grows no more.
     */
    static final double DEPARTURE_CAP = 3;

    /**
     * Mean gradient (|∂x| + |∂y|, grey levels per flow-grid px) of the key frame under the board below which the
     * surface is plain (a blank wall): a sign is fixed flat to it there, and stands on a post elsewhere.
     */
    static final double PLAIN_GRADIENT = 2;

    /** Fraction of the frame's height kept clear between the element and the frame's edges. */
    static final double EDGE_MARGIN = 0.05;

    /** Grey levels by which a frame differs from the key frame where something passes. */
    static final int TRANSIENT_LEVELS = 30;
    /** Flow-grid px kept between the element and what passes in the key frame. */
    static final int CLEARANCE = 4;

    /** What is drawn. */
    enum Kind { SIGN, SMILEY, STAR, HEART }

    private final Kind kind;
    private final String text;
    private final double[] bgr;
    private final double anchorX;
    private final double anchorY;
    private final double size;
    /** A sign standing on a post (else fixed flat to the surface behind it, a wall sign); stickers have none. */
    private final boolean post;
    /** Centre per frame (fractions of the frame), once tracked; null before. */
    private final double @Nullable [] trackX;
    private final double @Nullable [] trackY;

    /**
     * @param anchorX centre of the element, fraction of the frame width
     * @param anchorY centre of the element, fraction of the frame height
     * @param size width of the element, fraction of the frame width
     */
    SceneOverlay(Kind kind, String text, double[] bgr, double anchorX, double anchorY, double size) {
        this(kind, text, bgr, anchorX, anchorY, size, kind == Kind.SIGN, null, null);
    }

    private SceneOverlay(Kind kind, String text, double[] bgr, double anchorX, double anchorY, double size,
                         boolean post, double @Nullable [] trackX, double @Nullable [] trackY) {
        this.post = post;
        this.trackX = trackX;
        this.trackY = trackY;
        this.kind = kind;
        this.text = text;
        this.bgr = bgr.clone();
        this.anchorX = anchorX;
        this.anchorY = anchorY;
        this.size = size;
    }

    /** The same element centred at {@code x, y} (fractions of the frame). */
    SceneOverlay at(double x, double y) {
        return new SceneOverlay(kind, text, bgr, x, y, size, post, null, null);
    }

    /** The same sign on a post ({@code true}) or fixed flat to the surface behind it; stickers have no post. */
    SceneOverlay onPost(boolean onPost) {
        return new SceneOverlay(kind, text, bgr, anchorX, anchorY, size, onPost && kind == Kind.SIGN, trackX, trackY);
    }

    /** Whether the sign stands on a post (else it is fixed flat to the surface behind it). */
    boolean hasPost() {
        return post;
    }

    double anchorX() {
        return anchorX;
    }

    double anchorY() {
        return anchorY;
    }

    /** The element's footprint as {halfWidth, above, below} fractions of the frame width/height around its centre. */
    double[] footprint(double aspect) {
        double halfW = size / 2;
        if (kind == Kind.SIGN) {
            double h = size * 9 / 20 * aspect; // board height as a fraction of the frame height
            return new double[] {halfW, h / 2, post ? h * 1.5 : h / 2};
        }
        return new double[] {halfW, halfW * aspect, halfW * aspect};
    }

    /**
     * Where to anchor the element so it sits on still, unoccluded scene: the centre, near the preferred {@code x, y},
     * whose footprint looks the same in every frame of the clip as in the key frame once the dominant (camera) motion
     * is followed. Where something moves (a hand, a cup, a person) the look changes, and an element drawn there would be
     * carried off with it or covered.
     *
     * @param gray the clip's low-resolution gray frames (CV_8UC1)
     * @param forward the clip's flow pairs at the same resolution (CV_32FC2), for the camera motion
     * @param backward the flow from each frame back to the one before, for tracking backwards from the key frame
     * @param backwardOk where each backward flow is consistent with the forward one (CV_8UC1, 255 consistent), or
     *        null to count every pixel
     */
    SceneOverlay placedOnStillScene(Mat[] gray, Mat[] forward, Mat[] backward, Mat @Nullable [] backwardOk, int key) {
        int n = gray.length;
        if (n < 2) {
            return this;
        }
        int w = gray[0].cols();
        int h = gray[0].rows();
        // the camera's path: accumulated median flow from the key frame, unless a still camera fits the frames
        // better (on a blank wall the flow is dragged along by a moving arm: the cup clip, filmed from a tripod)
        double[] tx = new double[n];
        double[] ty = new double[n];
        for (int t = key + 1; t < n; t++) {
            float[] m = medianFlow(forward[t - 1]);
            tx[t] = tx[t - 1] + m[0];
            ty[t] = ty[t - 1] + m[1];
        }
        for (int t = key - 1; t >= 0; t--) {
            float[] m = medianFlow(forward[t]);
            tx[t] = tx[t + 1] - m[0];
            ty[t] = ty[t + 1] - m[1];
        }
        boolean still = !pathFitsBetter(gray, tx, ty, key);
        if (still) {
            java.util.Arrays.fill(tx, 0);
            java.util.Arrays.fill(ty, 0);
        }
        byte[] keyPixels = bytes(gray[key], w * h);
        double[] change = new double[w * h];
        int[] differs = new int[w * h];
        // the flow's departure from the camera's, summed over the clip per direction: motion, or the flow's noise on a
        // textureless surface, along which the warp error carries the element's edges
        float[] departX = new float[w * h];
        float[] departY = new float[w * h];
        // counted as the warp error counts it: where the flow is consistent only, and no more than DEPARTURE_CAP px a
        // frame (the element's strokes are thinner than that: displaced farther, a stroke costs no more)
        for (int p = 0; p < backward.length; p++) {
            float[] m = still ? new float[2] : medianFlow(backward[p]);
            java.nio.FloatBuffer f = backward[p].createBuffer();
            java.nio.ByteBuffer ok = backwardOk == null ? null : backwardOk[p].createBuffer();
            for (int i = 0; i < w * h; i++) {
                if (ok == null || ok.get(i) != 0) {
                    departX[i] += (float) Math.min(DEPARTURE_CAP, Math.abs(f.get(2 * i) - m[0]));
                    departY[i] += (float) Math.min(DEPARTURE_CAP, Math.abs(f.get(2 * i + 1) - m[1]));
                }
            }
        }
        // a sign stands on a post where the surface behind it has texture (ground, a lawn), and is fixed flat to it
        // where it is plain (a blank wall): the key frame's mean gradient over the board, against PLAIN_GRADIENT
        SceneOverlay onPost = onPost(kind == Kind.SIGN);
        SceneOverlay flat = onPost(false);
        double[] edgeCostPost = onPost.edgeCost(departX, departY, w, h);
        double[] edgeCostFlat = kind == Kind.SIGN ? flat.edgeCost(departX, departY, w, h) : edgeCostPost;
        double[] texture = gradientIntegral(gray[key]);
        for (int t = 0; t < n; t++) {
            if (t == key) {
                continue;
            }
            byte[] px = bytes(gray[t], w * h);
            int dx = (int) Math.round(tx[t]);
            int dy = (int) Math.round(ty[t]);
            // the frame's exposure against the key frame's (the median difference): the camera's auto exposure
            // drifts as dark things come and go, which is no change of the surface
            int[] hist = new int[511];
            int counted = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = x + dx;
                    int sy = y + dy;
                    if (sx >= 0 && sy >= 0 && sx < w && sy < h) {
                        hist[(px[sy * w + sx] & 0xff) - (keyPixels[y * w + x] & 0xff) + 255]++;
                        counted++;
                    }
                }
            }
            int offset = -255;
            for (int acc = 0; offset < 255 && acc + hist[offset + 255] <= counted / 2; offset++) {
                acc += hist[offset + 255];
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = x + dx;
                    int sy = y + dy;
                    int i = y * w + x;
                    if (sx < 0 || sy < 0 || sx >= w || sy >= h) {
                        change[i] += 1; // left the frame: the element would too
                    } else {
                        int d = Math.abs((px[sy * w + sx] & 0xff) - (keyPixels[i] & 0xff) - offset);
                        change[i] += d / 16.0;
                        if (d > TRANSIENT_LEVELS) {
                            differs[i]++;
                        }
                    }
                }
            }
        }
        // integral images for box sums: the change, and the pixels where the key frame shows something passing (it
        // differs from most of the clip's frames there): an element drawn there would be drawn over the hand in
        // the key frame and cut where the hand was in every other frame
        double[] integral = new double[(w + 1) * (h + 1)];
        int[] passing = new int[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            int rowPassing = 0;
            for (int x = 0; x < w; x++) {
                row += change[y * w + x];
                rowPassing += differs[y * w + x] * 2 > n - 1 ? 1 : 0;
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
                passing[(y + 1) * (w + 1) + x + 1] = passing[y * (w + 1) + x + 1] + rowPassing;
            }
        }
        int margin = (int) Math.ceil(EDGE_MARGIN * h);
        double[] fpPost = onPost.footprint(w / (double) h);
        double[] fpFlat = flat.footprint(w / (double) h);
        int halfW = (int) Math.ceil(fpPost[0] * w);
        int above = (int) Math.ceil(fpPost[1] * h);
        double bestScore = Double.MAX_VALUE;
        double bestX = anchorX;
        double bestY = anchorY;
        boolean bestPost = onPost.post;
        for (int cy = above + margin; cy < h - margin; cy += 2) {
            for (int cx = halfW + margin; cx < w - halfW - margin; cx += 2) {
                int x0 = cx - halfW;
                int x1 = cx + halfW;
                int y0 = cy - above;
                // the board's own box (above the centre as much as below): plain or textured
                int by1 = Math.min(h, cy + above);
                double grad = (texture[by1 * (w + 1) + x1] - texture[y0 * (w + 1) + x1] - texture[by1 * (w + 1) + x0]
                        + texture[y0 * (w + 1) + x0]) / ((x1 - x0) * (double) (by1 - y0));
                boolean standing = onPost.post && grad >= PLAIN_GRADIENT;
                double[] fp = standing ? fpPost : fpFlat;
                int y1 = cy + (int) Math.ceil(fp[2] * h);
                // a post may reach down to the frame's bottom edge (its foot at the edge); a wall sign keeps the margin
                if (standing ? y1 > h : y1 > h - margin) {
                    continue;
                }
                y1 = Math.min(y1, h);
                int px0 = Math.max(0, x0 - CLEARANCE);
                int px1 = Math.min(w, x1 + CLEARANCE);
                int py0 = Math.max(0, y0 - CLEARANCE);
                int py1 = Math.min(h, y1 + CLEARANCE);
                if (passing[py1 * (w + 1) + px1] - passing[py0 * (w + 1) + px1] - passing[py1 * (w + 1) + px0]
                        + passing[py0 * (w + 1) + px0] > 0) {
                    continue;
                }
                double sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0]
                        + integral[y0 * (w + 1) + x0];
                double edge = (standing ? edgeCostPost : edgeCostFlat)[cy * w + cx];
                double perPixelFrame = (sum + FLOW_DEPARTURE_WEIGHT * edge) / ((x1 - x0) * (double) (y1 - y0) * (n - 1));
                double distance = Math.hypot(cx / (double) w - anchorX, cy / (double) h - anchorY);
                double score = perPixelFrame + 0.02 * distance;
                if (score < bestScore) {
                    bestScore = score;
                    bestX = cx / (double) w;
                    bestY = cy / (double) h;
                    bestPost = standing;
                }
            }
        }
        SceneOverlay placed = onPost(bestPost).at(bestX, bestY);
        return still ? placed.still(n) : placed.tracked(forward, backward, key);
    }

    /** Integral image ((w + 1) × (h + 1)) of the gray frame's gradient magnitude |∂x| + |∂y|, grey levels per px. */
    private static double[] gradientIntegral(Mat gray) {
        int w = gray.cols();
        int h = gray.rows();
        byte[] g = bytes(gray, w * h);
        double[] out = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int v = g[i] & 0xff;
                int dx = x + 1 < w ? Math.abs((g[i + 1] & 0xff) - v) : 0;
                int dy = y + 1 < h ? Math.abs((g[i + w] & 0xff) - v) : 0;
                row += dx + dy;
                out[(y + 1) * (w + 1) + x + 1] = out[y * (w + 1) + x + 1] + row;
            }
        }
        return out;
    }

    /**
     * Per centre (flow-grid px), the warp error the element's own edges would cause over the clip if it stood there
     * while the flow departs from the camera's ({@code departX, departY}: the departure summed over the clip, per
     * direction): the element drawn at the flow's resolution, its luma gradients |∂x|, |∂y| (grey levels per px)
     * correlated with the departures, in grey levels / 16 like the placement's other term.
     */
    private double[] edgeCost(float[] departX, float[] departY, int w, int h) {
        int cx = w / 2;
        int cy = h / 2;
        double[] out = new double[w * h];
        try (Mat canvas = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(200, 200, 200, 0));
             Mat drawn = at(cx / (double) w, cy / (double) h).drawOn(canvas);
             Mat gray = new Mat(); Mat gx = new Mat(); Mat gy = new Mat(); Mat dx = new Mat(h, w, CV_32F);
             Mat dy = new Mat(h, w, CV_32F); Mat cost = new Mat(); Mat costY = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(drawn, gray,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(gray, gx, CV_32F, 1, 0, 3, 1 / 8.0, 0,
                    org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE);
            org.bytedeco.opencv.global.opencv_imgproc.Sobel(gray, gy, CV_32F, 0, 1, 3, 1 / 8.0, 0,
                    org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE);
            org.bytedeco.opencv.global.opencv_core.absdiff(gx, new Mat(gx.size(), CV_32F, new Scalar(0.0)), gx);
            org.bytedeco.opencv.global.opencv_core.absdiff(gy, new Mat(gy.size(), CV_32F, new Scalar(0.0)), gy);
            ((java.nio.FloatBuffer) dx.createBuffer()).put(0, departX);
            ((java.nio.FloatBuffer) dy.createBuffer()).put(0, departY);
            // correlation: cost(c) = sum over u of |grad|(u) * depart(c + u - centre)
            try (org.bytedeco.opencv.opencv_core.Point anchor = new org.bytedeco.opencv.opencv_core.Point(cx, cy)) {
                org.bytedeco.opencv.global.opencv_imgproc.filter2D(dx, cost, CV_32F, gx, anchor, 0,
                        org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT);
                org.bytedeco.opencv.global.opencv_imgproc.filter2D(dy, costY, CV_32F, gy, anchor, 0,
                        org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT);
            }
            org.bytedeco.opencv.global.opencv_core.add(cost, costY, cost);
            float[] c = new float[w * h];
            ((java.nio.FloatBuffer) cost.createBuffer()).get(0, c);
            for (int i = 0; i < w * h; i++) {
                out[i] = c[i] / 16.0;
            }
        }
        return out;
    }

    /** The element where it was placed in every frame: a still camera. */
    private SceneOverlay still(int n) {
        double[] xs = new double[n];
        double[] ys = new double[n];
        java.util.Arrays.fill(xs, anchorX);
        java.util.Arrays.fill(ys, anchorY);
        return new SceneOverlay(kind, text, bgr, anchorX, anchorY, size, post, xs, ys);
    }

    /**
     * Whether the camera's path from the flow ({@code tx, ty}, flow-grid px) fits the frames better than a still
     * camera ({@link BackgroundPlate#misfit}: gradients compared with the key frame, each pixel's difference capped,
     * so what moves in front counts little).
     */
    private static boolean pathFitsBetter(Mat[] gray, double[] tx, double[] ty, int key) {
        int n = gray.length;
        boolean moves = false;
        for (int t = 0; t < n && !moves; t++) {
            moves = Math.abs(tx[t]) > 0.25 || Math.abs(ty[t]) > 0.25;
        }
        if (!moves) {
            return false;
        }
        double[] path = new double[n];
        double[] still = new double[n];
        try (Mat all = new Mat(gray[key].size(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, new Scalar(255.0))) {
            java.util.stream.IntStream.range(0, n).parallel().filter(t -> t != key).forEach(t -> {
                path[t] = BackgroundPlate.misfit(gray[key], all, gray[t], all, tx[t], ty[t]);
                still[t] = BackgroundPlate.misfit(gray[key], all, gray[t], all, 0, 0);
            });
        }
        return java.util.Arrays.stream(path).sum() < java.util.Arrays.stream(still).sum();
    }

    /**
     * The element's centre followed through the clip from the key frame: each step moves it by the most common flow
     * around it (the surface's motion: the element was placed where nothing moves relative to it),
     * forwards with the forward flow, backwards with the backward flow. The footprint's own flow drifts: on a blank
     * wall it is noise, and a hand passing in front drags it along.
     */
    private SceneOverlay tracked(Mat[] forward, Mat[] backward, int key) {
        int n = forward.length + 1;
        int w = forward[0].cols();
        int h = forward[0].rows();
        double[] xs = new double[n];
        double[] ys = new double[n];
        xs[key] = anchorX * w;
        ys[key] = anchorY * h;
        double[] fp = footprint(w / (double) h);
        // the surface around the element (its footprint and as much again around it), and its most common flow
        // there: the whole frame's median flow is dragged by a large moving hand, and the element slid across a
        // still wall with it
        int halfW = (int) Math.ceil(fp[0] * w * 2);
        int above = (int) Math.ceil(fp[1] * h * 2);
        int below = (int) Math.ceil(fp[2] * h * 2);
        for (int t = key + 1; t < n; t++) {
            float[] m = modeFlow(forward[t - 1], xs[t - 1], ys[t - 1], halfW, above, below);
            xs[t] = xs[t - 1] + m[0];
            ys[t] = ys[t - 1] + m[1];
        }
        for (int t = key - 1; t >= 0; t--) {
            float[] m = modeFlow(backward[t], xs[t + 1], ys[t + 1], halfW, above, below);
            xs[t] = xs[t + 1] + m[0];
            ys[t] = ys[t + 1] + m[1];
        }
        for (int t = 0; t < n; t++) {
            xs[t] /= w;
            ys[t] /= h;
        }
        return new SceneOverlay(kind, text, bgr, anchorX, anchorY, size, post, xs, ys);
    }

    /**
     * Where the element is in frame {@code t} (of {@code cols}×{@code rows}): its footprint at the tracked position as
     * a CV_8UC1 mask, 255 inside. What the judge compares inside (the element) and outside (the scene kept).
     */
    Mat region(int t, int cols, int rows) {
        double cx = (trackX == null ? anchorX : trackX[t]) * cols;
        double cy = (trackY == null ? anchorY : trackY[t]) * rows;
        double[] f = footprint(cols / (double) rows);
        Mat mask = new Mat(rows, cols, org.bytedeco.opencv.global.opencv_core.CV_8UC1, new Scalar(0));
        try (Point a = new Point((int) Math.round(cx - f[0] * cols), (int) Math.round(cy - f[1] * rows));
             Point b = new Point((int) Math.round(cx + f[0] * cols), (int) Math.round(cy + f[2] * rows));
             Scalar white = new Scalar(255)) {
            rectangle(mask, a, b, white, FILLED, 8, 0);
        }
        return mask;
    }

    /** Whether the element was tracked through the clip ({@link #drawOnFrame} may be used). */
    boolean tracked() {
        return trackX != null;
    }

    /**
     * Frame {@code t} with the element drawn where the tracked surface is in it, except where that surface is
     * hidden: where frame {@code t} no longer looks like the key frame's source there (a hand passing in front), the
     * frame shows through, so things move in front of the element as they would in front of a real sign.
     */
    Mat drawOnFrame(Mat frame, int t, Mat keySource, int key) {
        if (trackX == null || trackY == null) {
            throw new IllegalStateException("overlay not tracked");
        }
        double dx = (trackX[t] - trackX[key]) * frame.cols();
        double dy = (trackY[t] - trackY[key]) * frame.rows();
        try (Mat canvas = new Mat(frame.rows(), frame.cols(), frame.type(), new Scalar(1, 1, 1, 0));
             Mat drawnKey = new SceneOverlay(kind, text, bgr, trackX[key], trackY[key], size, post, null, null)
                     .drawOn(canvas);
             Mat drawn = new Mat(); Mat shift = new Mat(2, 3, org.bytedeco.opencv.global.opencv_core.CV_64F);
             Mat keyShifted = new Mat(); Mat diff = new Mat(); Mat grayDiff = new Mat(); Mat seen = new Mat();
             Mat elementKey = new Mat(); Mat element = new Mat(); Mat alpha = new Mat(); Size k = new Size(5, 5)) {
            // the element drawn once at the key frame's position, then moved with sub-pixel precision: redrawing it
            // at whole pixels would make it jitter against the smoothly moving scene
            org.bytedeco.opencv.global.opencv_core.absdiff(drawnKey, canvas, diff);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(diff, grayDiff,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            org.bytedeco.opencv.global.opencv_imgproc.threshold(grayDiff, elementKey, 0, 255,
                    org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY);
            java.nio.DoubleBuffer m = shift.createBuffer();
            m.put(0, 1).put(1, 0).put(2, dx).put(3, 0).put(4, 1).put(5, dy);
            // soft edges, an anti-aliased pixel or so (SOFTEN)
            soften(drawnKey, elementKey, SOFTEN);
            org.bytedeco.opencv.global.opencv_imgproc.warpAffine(drawnKey, drawn, shift, frame.size());
            org.bytedeco.opencv.global.opencv_imgproc.warpAffine(elementKey, element, shift, frame.size());
            if (t == key) {
                element.copyTo(alpha);
            } else {
                org.bytedeco.opencv.global.opencv_imgproc.warpAffine(keySource, keyShifted, shift, frame.size());
                org.bytedeco.opencv.global.opencv_core.absdiff(frame, keyShifted, diff);
                org.bytedeco.opencv.global.opencv_imgproc.cvtColor(diff, grayDiff,
                        org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
                org.bytedeco.opencv.global.opencv_imgproc.threshold(grayDiff, seen, 40, 255,
                        org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY_INV);
                org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur(seen, seen, k, 0);
                org.bytedeco.opencv.global.opencv_core.min(seen, element, alpha);
            }
            return LocalEdit.composite(drawn, frame, alpha);
        }
    }


    /**
     * Softens the element's edges by {@code sigma} px, in place: its colours blurred among its own pixels only
     * (normalised convolution, so nothing of the blank canvas around it bleeds in) and its mask blurred, so the
     * element fades into the frame over a pixel or two instead of stepping.
     */
    static void soften(Mat drawn, Mat mask, double sigma) {
        try (Mat m = new Mat(); Mat m3 = new Mat(); Mat d = new Mat(); Mat bm = new Mat(); Mat bm3 = new Mat();
             Mat bd = new Mat(); Size k = new Size(0, 0)) {
            mask.convertTo(m, org.bytedeco.opencv.global.opencv_core.CV_32F, 1 / 255.0, 0);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(m, m3,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
            drawn.convertTo(d, org.bytedeco.opencv.global.opencv_core.CV_32FC3);
            org.bytedeco.opencv.global.opencv_core.multiply(d, m3, d);
            org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur(d, bd, k, sigma);
            org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur(m, bm, k, sigma);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(bm, bm3,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR);
            try (Scalar tiny = new Scalar(1e-4, 1e-4, 1e-4, 0); Mat eps = new Mat(bm3.size(), bm3.type(), tiny)) {
                org.bytedeco.opencv.global.opencv_core.max(bm3, eps, bm3);
            }
            org.bytedeco.opencv.global.opencv_core.divide(bd, bm3, bd);
            bd.convertTo(drawn, drawn.type());
            bm.convertTo(mask, mask.type(), 255, 0);
        }
    }

    private static byte[] bytes(Mat m, int count) {
        byte[] b = new byte[count];
        ((java.nio.ByteBuffer) m.createBuffer()).get(0, b);
        return b;
    }

    private static float[] medianFlow(Mat flow) {
        int count = flow.cols() * flow.rows();
        java.nio.FloatBuffer f = flow.createBuffer();
        float[] xs = new float[count];
        float[] ys = new float[count];
        for (int i = 0; i < count; i++) {
            xs[i] = f.get(2 * i);
            ys[i] = f.get(2 * i + 1);
        }
        return new float[] {median(xs), median(ys)};
    }

    /** The most common flow in the box around ({@code cx}, {@code cy}) (flow-grid pixels), clipped to the frame. */
    private static float[] modeFlow(Mat flow, double cx, double cy, int halfW, int above, int below) {
        int w = flow.cols();
        int h = flow.rows();
        int x0 = Math.max(0, (int) Math.floor(cx - halfW));
        int x1 = Math.min(w, (int) Math.ceil(cx + halfW));
        int y0 = Math.max(0, (int) Math.floor(cy - above));
        int y1 = Math.min(h, (int) Math.ceil(cy + below));
        if (x1 - x0 < 4 || y1 - y0 < 4) {
            return medianFlow(flow);
        }
        java.nio.FloatBuffer f = flow.createBuffer();
        // the mode, not the median: the still surface's motion is the most common one, while a hand moving through
        // a third of the box drags the median along with it
        int bins = 2 * MODE_RANGE * MODE_BINS_PER_PX + 1;
        int[] hist = new int[bins * bins];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int i = y * w + x;
                int bx = (int) Math.round(f.get(2 * i) * MODE_BINS_PER_PX) + MODE_RANGE * MODE_BINS_PER_PX;
                int by = (int) Math.round(f.get(2 * i + 1) * MODE_BINS_PER_PX) + MODE_RANGE * MODE_BINS_PER_PX;
                if (bx >= 0 && by >= 0 && bx < bins && by < bins) {
                    hist[by * bins + bx]++;
                }
            }
        }
        // counts summed over each bin's 3x3 neighbourhood, so one lucky bin does not win over a broad peak
        int best = -1;
        int bestX = 0;
        int bestY = 0;
        for (int by = 1; by < bins - 1; by++) {
            for (int bx = 1; bx < bins - 1; bx++) {
                int c = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        c += hist[(by + dy) * bins + bx + dx];
                    }
                }
                if (c > best) {
                    best = c;
                    bestX = bx;
                    bestY = by;
                }
            }
        }
        // the mean of the flows in the winning neighbourhood: sub-bin precision
        double sx = 0;
        double sy = 0;
        int k = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int i = y * w + x;
                float fx = f.get(2 * i);
                float fy = f.get(2 * i + 1);
                int bx = (int) Math.round(fx * MODE_BINS_PER_PX) + MODE_RANGE * MODE_BINS_PER_PX;
                int by = (int) Math.round(fy * MODE_BINS_PER_PX) + MODE_RANGE * MODE_BINS_PER_PX;
                if (Math.abs(bx - bestX) <= 1 && Math.abs(by - bestY) <= 1) {
                    sx += fx;
                    sy += fy;
                    k++;
                }
            }
        }
        return k == 0 ? medianFlow(flow) : new float[] {(float) (sx / k), (float) (sy / k)};
    }

    /** The flow histogram of {@link #modeFlow}: ±range px, bins per px. */
    private static final int MODE_RANGE = 24;
    private static final int MODE_BINS_PER_PX = 4;

    private static float median(float[] v) {
        float[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    @Override
    public Mat apply(Mat frame, @Nullable Mat personMask) {
        return frame.clone();
    }

    @Override
    public int margin() {
        return 0;
    }

    /** The key frame with the element drawn on it. */
    Mat drawOn(Mat key) {
        Mat out = key.clone();
        int w = (int) Math.round(size * key.cols());
        int cx = (int) Math.round(anchorX * key.cols());
        int cy = (int) Math.round(anchorY * key.rows());
        try (Scalar fill = new Scalar(bgr[0], bgr[1], bgr[2], 0); Scalar white = new Scalar(255, 255, 255, 0);
             Scalar dark = new Scalar(30, 30, 30, 0); Scalar shadow = new Scalar(0, 0, 0, 0)) {
            switch (kind) {
                case SIGN -> {
                    int h = Math.max(12, w * 9 / 20);
                    int x0 = cx - w / 2;
                    int y0 = cy - h / 2;
                    int postW = Math.max(3, w / 18);
                    // a shadow a couple of px down and right, and a thin light rim: each edge of the board is an
                    // edge the warp error follows along the flow's noise on a blank wall
                    int shade = Math.max(2, w / 60);
                    try (Point p0 = new Point(cx - postW / 2, y0 + h); Point p1 = new Point(cx + postW / 2, y0 + h + h);
                         Point s0 = new Point(x0 + shade, y0 + shade);
                         Point s1 = new Point(x0 + w + shade, y0 + h + shade);
                         Point b0 = new Point(x0, y0); Point b1 = new Point(x0 + w, y0 + h)) {
                        if (post) {
                            rectangle(out, p0, p1, dark, FILLED, LINE_AA, 0);
                        }
                        rectangle(out, s0, s1, shadow, FILLED, LINE_AA, 0);
                        rectangle(out, b0, b1, fill, FILLED, LINE_AA, 0);
                        rectangle(out, b0, b1, white, Math.max(1, w / 100), LINE_AA, 0);
                    }
                    drawText(out, text, cx, cy, (int) (w * 0.86), (int) (h * 0.6), luminance() > 150 ? dark : white);
                }
                case SMILEY -> {
                    int r = w / 2;
                    try (Point c = new Point(cx, cy); Point s = new Point(cx + 3, cy + 3);
                         Point eyeL = new Point(cx - r / 3, cy - r / 4); Point eyeR = new Point(cx + r / 3, cy - r / 4);
                         Size mouth = new Size(r / 2, r / 3); Point m = new Point(cx, cy + r / 8)) {
                        circle(out, s, r, shadow, FILLED, LINE_AA, 0);
                        circle(out, c, r, fill, FILLED, LINE_AA, 0);
                        circle(out, c, r, dark, Math.max(2, r / 12), LINE_AA, 0);
                        circle(out, eyeL, Math.max(2, r / 8), dark, FILLED, LINE_AA, 0);
                        circle(out, eyeR, Math.max(2, r / 8), dark, FILLED, LINE_AA, 0);
                        ellipse(out, m, mouth, 0, 20, 160, dark, Math.max(2, r / 10), LINE_AA, 0);
                    }
                }
                case STAR, HEART -> {
                    int r = w / 2;
                    int n = kind == Kind.STAR ? 10 : 48;
                    int[] xy = new int[2 * n];
                    for (int i = 0; i < n; i++) {
                        double a = 2 * Math.PI * i / n;
                        if (kind == Kind.STAR) {
                            double rr = i % 2 == 0 ? r : r * 0.45;
                            xy[2 * i] = cx + (int) Math.round(rr * Math.sin(a));
                            xy[2 * i + 1] = cy - (int) Math.round(rr * Math.cos(a));
                        } else {
                            double hx = 16 * Math.pow(Math.sin(a), 3);
                            double hy = 13 * Math.cos(a) - 5 * Math.cos(2 * a) - 2 * Math.cos(3 * a) - Math.cos(4 * a);
                            xy[2 * i] = cx + (int) Math.round(hx * r / 17);
                            xy[2 * i + 1] = cy - (int) Math.round(hy * r / 17);
                        }
                    }
                    try (Mat pts = new Mat(n, 1, org.bytedeco.opencv.global.opencv_core.CV_32SC2);
                         MatVector polys = new MatVector(1)) {
                        ((IntPointer) new IntPointer(pts.data())).put(xy);
                        polys.put(0, pts);
                        fillPoly(out, polys, fill, LINE_AA, 0, new Point(0, 0));
                        org.bytedeco.opencv.global.opencv_imgproc.polylines(out, polys, true, white,
                                Math.max(2, r / 14), LINE_AA, 0);
                    }
                }
                default -> throw new IllegalStateException("unknown overlay " + kind);
            }
        }
        return out;
    }

    private double luminance() {
        return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2];
    }

    private static void drawText(Mat out, String text, int cx, int cy, int maxW, int maxH, Scalar colour) {
        if (text.isEmpty()) {
            return;
        }
        int thickness = 2;
        double scale = 1.0;
        try (IntPointer base = new IntPointer(1)) {
            Size s = getTextSize(text, FONT_HERSHEY_DUPLEX, scale, thickness, base);
            scale = Math.min(maxW / (double) Math.max(1, s.width()), maxH / (double) Math.max(1, s.height()));
            thickness = Math.max(1, (int) Math.round(scale * 1.6));
            s = getTextSize(text, FONT_HERSHEY_DUPLEX, scale, thickness, base);
            try (Point at = new Point(cx - s.width() / 2, cy + s.height() / 2)) {
                putText(out, text, at, FONT_HERSHEY_DUPLEX, scale, colour, thickness, LINE_AA, false);
            }
        }
    }
}
