package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Flow-field chaining on plain arrays: cheap at flow resolution and free of native allocations per pixel. */
final class FlowFields {
    private FlowFields() {}

    /**
     * One step of accumulating the flow to the key frame: given the accumulated flow and validity of the neighbour
     * frame ({@code cPrev}, {@code vPrev}) and the step flow from this frame to that neighbour with its consistency,
     * writes this frame's accumulated flow and validity. A pixel stays valid only if every step on its path was
     * consistent and stayed inside the frame.
     */
    static void step(float[] cPrev, float[] vPrev, Mat stepFlow, Mat stepOk, int w, int h, float[] cOut, float[] vOut) {
        step(cPrev, vPrev, stepFlow, stepOk, w, h, cOut, vOut, false);
    }

    /**
     * {@link #step}; with {@code ignoreOk} the validity is carried through inconsistent steps too, for
     * {@link #revalidate} to decide there.
     */
    static void step(float[] cPrev, float[] vPrev, Mat stepFlow, Mat stepOk, int w, int h, float[] cOut, float[] vOut,
                     boolean ignoreOk) {
        // plain arrays: bounds-checked reads of native buffers cost more than the arithmetic
        float[] f = new float[2 * w * h];
        ((FloatBuffer) stepFlow.createBuffer()).get(0, f);
        byte[] ok = new byte[w * h];
        ((ByteBuffer) stepOk.createBuffer()).get(0, ok);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                float dx = f[2 * i];
                float dy = f[2 * i + 1];
                float px = x + dx;
                float py = y + dy;
                if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
                    cOut[2 * i] = dx;
                    cOut[2 * i + 1] = dy;
                    vOut[i] = 0;
                    continue;
                }
                int x0 = (int) px;
                int y0 = (int) py;
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                float fx = px - x0;
                float fy = py - y0;
                int a = y0 * w + x0;
                int b = y0 * w + x1;
                int c = y1 * w + x0;
                int d = y1 * w + x1;
                float wa = (1 - fx) * (1 - fy);
                float wb = fx * (1 - fy);
                float wc = (1 - fx) * fy;
                float wd = fx * fy;
                cOut[2 * i] = dx + wa * cPrev[2 * a] + wb * cPrev[2 * b] + wc * cPrev[2 * c] + wd * cPrev[2 * d];
                cOut[2 * i + 1] = dy + wa * cPrev[2 * a + 1] + wb * cPrev[2 * b + 1] + wc * cPrev[2 * c + 1]
                        + wd * cPrev[2 * d + 1];
                vOut[i] = ok[i] == 0 && !ignoreOk ? 0 : wa * vPrev[a] + wb * vPrev[b] + wc * vPrev[c] + wd * vPrev[d];
            }
        }
    }

    /**
     * Mean absolute gray difference, over a {@value #PATCH}×{@value #PATCH} patch at flow resolution and after the
     * frame's exposure offset, under which a path's content agrees with the key frame's.
     */
    static final float AGREE = Float.parseFloat(System.getProperty("s17b.agree", "8"));
    /** Side of the patch the agreement is measured over, at flow resolution. */
    static final int PATCH = 5;
    /** Validity regained per frame of agreement: three agreeing frames in a row make a lost path whole again. */
    static final float REGAIN = Float.parseFloat(System.getProperty("s17b.regain", "0.3333333"));

    /**
     * Photometric check of the paths after a {@link #step} that carried the validity through inconsistent steps
     * ({@code ignoreOk}): the source frame ({@code gray}) is compared, over a small patch, with the key frame's source
     * sampled along the accumulated flow ({@code acc}), after the median difference of the frame (the exposure
     * drifts through a clip). Where this step was inconsistent, the path keeps its validity only if the patch agrees;
     * where it was consistent and the patch agrees, a path lost earlier regains {@link #REGAIN} of it, up to 1. A
     * path lost at one occlusion or noisy step (DIS on a textureless wall) is so carried again once the content it
     * points at is back in view, and its look comes from the key frame rather than a fresh re-edit; the frames of
     * agreement it takes to recover (hysteresis) keep a single lucky match from switching it back. {@code reach}: how
     * far (flow-resolution pixels) the operator's edit of a pixel reads around it; all of that must agree.
     */
    static void revalidate(float[] acc, float[] v, Mat stepOk, Mat gray, Mat keyGray, int reach, int w, int h) {
        byte[] ok = new byte[w * h];
        ((ByteBuffer) stepOk.createBuffer()).get(0, ok);
        byte[] g = new byte[w * h];
        ((ByteBuffer) gray.createBuffer()).get(0, g);
        byte[] k = new byte[w * h];
        ((ByteBuffer) keyGray.createBuffer()).get(0, k);
        // signed difference; NaN where the path has left the frame
        float[] d = new float[w * h];
        // the median offset from a histogram of quarter gray levels
        int[] histogram = new int[2 * 4 * 255 + 1];
        int inFrame = 0;
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                float px = x + acc[2 * i];
                float py = y + acc[2 * i + 1];
                if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
                    d[i] = Float.NaN;
                    continue;
                }
                int x0 = (int) px;
                int y0 = (int) py;
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                float fx = px - x0;
                float fy = py - y0;
                float top = (k[y0 * w + x0] & 0xff) * (1 - fx) + (k[y0 * w + x1] & 0xff) * fx;
                float bottom = (k[y1 * w + x0] & 0xff) * (1 - fx) + (k[y1 * w + x1] & 0xff) * fx;
                float diff = (g[i] & 0xff) - (top * (1 - fy) + bottom * fy);
                d[i] = diff;
                histogram[Math.round(diff * 4) + 4 * 255]++;
                inFrame++;
            }
        }
        float offset = 0;
        for (int b = 0, seen = 0; b < histogram.length && inFrame > 0; b++) {
            seen += histogram[b];
            if (2 * seen > inFrame) {
                offset = (b - 4 * 255) / 4f;
                break;
            }
        }
        for (int i = 0; i < d.length; i++) {
            // a path that left the frame counts as a full mismatch
            d[i] = Float.isNaN(d[i]) ? 255 : Math.abs(d[i] - offset);
        }
        // patch sums by running sums, rows then columns (the patch clipped at the frame's border); a pixel disagrees
        // where its patch's mean difference reaches AGREE
        int r = PATCH / 2;
        float[] rows = boxRows(d, w, h, r);
        float[] sums = new float[w];
        byte[] disagree = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int ya = Math.max(0, y - r);
            int yb = Math.min(h - 1, y + r);
            if (y == 0) {
                for (int yy = 0; yy <= yb; yy++) {
                    add(sums, rows, yy * w, 1);
                }
            } else {
                if (y + r < h) {
                    add(sums, rows, (y + r) * w, 1);
                }
                if (y - r - 1 >= 0) {
                    add(sums, rows, (y - r - 1) * w, -1);
                }
            }
            int count = yb - ya + 1;
            for (int x = 0, i = y * w; x < w; x++, i++) {
                int cx = Math.min(w - 1, x + r) - Math.max(0, x - r) + 1;
                disagree[i] = sums[x] < AGREE * count * cx ? 0 : (byte) 1;
            }
        }
        // the edit at a pixel reads the frame up to the operator's reach around it: the path is taken only where
        // everything within that reach agrees, or the key frame's edit of something that has since moved away (a blur's
        // halo around an arm) would come back with it
        try (Mat m = new Mat(h, w, CV_8UC1); Mat grown = new Mat();
             Mat kernel = new Mat(2 * reach + 1, 2 * reach + 1, CV_8UC1, new Scalar(1.0))) {
            ((ByteBuffer) m.createBuffer()).put(0, disagree);
            if (reach > 0) {
                dilate(m, grown, kernel);
                ((ByteBuffer) grown.createBuffer()).get(0, disagree);
            }
        }
        for (int i = 0; i < w * h; i++) {
            boolean agrees = disagree[i] == 0;
            if (ok[i] == 0) {
                if (!agrees) {
                    v[i] = 0;
                }
            } else if (agrees && v[i] < 1f) {
                v[i] = Math.min(1f, v[i] + REGAIN);
            }
        }
    }

    /** Sums of {@code d} over each row's window of {@code r} pixels either side (clipped at the border). */
    private static float[] boxRows(float[] d, int w, int h, int r) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            float sum = 0;
            for (int x = 0; x <= Math.min(w - 1, r); x++) {
                sum += d[base + x];
            }
            for (int x = 0; x < w; x++) {
                out[base + x] = sum;
                if (x + r + 1 < w) {
                    sum += d[base + x + r + 1];
                }
                if (x - r >= 0) {
                    sum -= d[base + x - r];
                }
            }
        }
        return out;
    }

    private static void add(float[] sums, float[] rows, int offset, int sign) {
        for (int x = 0; x < sums.length; x++) {
            sums[x] += sign * rows[offset + x];
        }
    }

    static Mat flowMat(float[] data, int w, int h) {
        Mat m = new Mat(h, w, CV_32FC2);
        ((FloatBuffer) m.createBuffer()).put(0, data);
        return m;
    }

    static Mat scalarMat(float[] data, int w, int h) {
        Mat m = new Mat(h, w, CV_32FC1);
        ((FloatBuffer) m.createBuffer()).put(0, data);
        return m;
    }
}
