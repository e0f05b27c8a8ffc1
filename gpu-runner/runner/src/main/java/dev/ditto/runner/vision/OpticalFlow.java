package dev.ditto.runner.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/**
 * Dense optical flow with OpenCV's DIS (Kroeger et al. 2016) and the flow-field algebra the pipeline needs: backward
 * warping, forward–backward consistency (Sundaram et al. 2010), composition and rescaling.
 *
 * <p>Convention: {@code flow(a, b)} gives, for each pixel {@code x} of {@code a}, the displacement {@code d} with
 * {@code a(x) ≈ b(x + d)}; so {@link #warp(Mat, Mat) warp(b, flow(a, b))} re-creates {@code a} from {@code b}.
 */
public final class OpticalFlow {
    /** DIS instances hold scratch buffers and are not thread-safe: one per thread. */
    private static final ThreadLocal<DISOpticalFlow> DIS = ThreadLocal.withInitial(() -> {
        DISOpticalFlow dis = DISOpticalFlow.create(DISOpticalFlow.PRESET_FAST);
        return dis;
    });

    private OpticalFlow() {}

    /** Grayscale copy of a BGR frame scaled by {@code scale} (area-averaged), the input DIS expects. */
    public static Mat gray(Mat bgr, double scale) {
        Mat gray = new Mat();
        cvtColor(bgr, gray, COLOR_BGR2GRAY);
        if (scale == 1.0) {
            return gray;
        }
        Mat small = new Mat();
        try (Size size = new Size((int) Math.round(bgr.cols() * scale), (int) Math.round(bgr.rows() * scale))) {
            resize(gray, small, size, 0, 0, INTER_AREA);
        }
        gray.close();
        return small;
    }

    /** Dense flow from gray image {@code a} to gray image {@code b} ({@code CV_32FC2}, pixels of their grid). */
    public static Mat flow(Mat grayA, Mat grayB) {
        Mat flow = new Mat();
        DIS.get().calc(grayA, grayB, flow);
        return flow;
    }

    /** Samples {@code image} at {@code x + flow(x)} (bilinear, border replicated); {@code flow} must match its size. */
    public static Mat warp(Mat image, Mat flow) {
        try (Mat map = absoluteMap(flow, 1.0)) {
            Mat out = new Mat();
            remap(image, out, map, new Mat(), INTER_LINEAR, BORDER_REPLICATE, new Scalar(0.0));
            return out;
        }
    }

    /** {@link #warp(Mat, Mat)} of several images along the same flow, building the sampling map once. */
    public static Mat[] warpEach(Mat flow, Mat... images) {
        try (Mat map = absoluteMap(flow, 1.0); Mat none = new Mat(); Scalar zero = new Scalar(0.0)) {
            Mat[] out = new Mat[images.length];
            for (int i = 0; i < images.length; i++) {
                out[i] = new Mat();
                remap(images[i], out[i], map, none, INTER_LINEAR, BORDER_REPLICATE, zero);
            }
            return out;
        }
    }

    /**
     * Samples a full-resolution {@code image} along a flow computed at lower resolution: the flow is upsampled and
     * its vectors scaled to the image's grid.
     */
    public static Mat warpScaled(Mat image, Mat lowResFlow) {
        if (image.cols() == lowResFlow.cols() && image.rows() == lowResFlow.rows()) {
            return warp(image, lowResFlow);
        }
        try (Mat map = scaledMap(image, lowResFlow); Mat none = new Mat(); Scalar zero = new Scalar(0.0)) {
            Mat out = new Mat();
            remap(image, out, map, none, INTER_LINEAR, BORDER_REPLICATE, zero);
            return out;
        }
    }

    /**
     * {@link #warpScaled(Mat, Mat)} for the pixels of {@code region} only (region-sized): the same samples, without
     * paying for the rest of the frame.
     */
    public static Mat warpScaled(Mat image, Mat lowResFlow, Rect region) {
        try (Mat map = samplingMap(image, lowResFlow)) {
            Mat out = new Mat();
            sample(image, map, region, out);
            return out;
        }
    }

    /**
     * The image-sized sampling map of {@link #warpScaled(Mat, Mat)}: built once, it samples any number of regions of
     * the image ({@link #sample}).
     */
    public static Mat samplingMap(Mat image, Mat lowResFlow) {
        return image.cols() == lowResFlow.cols() && image.rows() == lowResFlow.rows()
                ? absoluteMap(lowResFlow, 1.0) : scaledMap(image, lowResFlow);
    }

    /**
     * Samples {@code image} through {@code region} of a {@link #samplingMap} into {@code out} (region-sized; a view
     * of a larger frame is written in place): the same pixels {@link #warpScaled(Mat, Mat)} gives there.
     */
    public static void sample(Mat image, Mat map, Rect region, Mat out) {
        try (Mat part = map.apply(region); Mat none = new Mat(); Scalar zero = new Scalar(0.0)) {
            remap(image, out, part, none, INTER_LINEAR, BORDER_REPLICATE, zero);
        }
    }

    /** The full-resolution sampling map of a low-resolution flow. */
    private static Mat scaledMap(Mat image, Mat lowResFlow) {
        // Build the sampling map at flow resolution in full-resolution coordinates and let resize interpolate it:
        // with pixel-centre alignment, low-res value (x+0.5)·s − 0.5 + s·flow(x) interpolates exactly to
        // X + s·flow(X), at a quarter of the per-pixel work.
        int w = lowResFlow.cols();
        int h = lowResFlow.rows();
        float sx = image.cols() / (float) w;
        float sy = image.rows() / (float) h;
        try (Mat low = new Mat(h, w, CV_32FC2)) {
            float[] f = floats(lowResFlow, 2 * w * h);
            int i = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i += 2) {
                    f[i] = (x + 0.5f) * sx - 0.5f + sx * f[i];
                    f[i + 1] = (y + 0.5f) * sy - 0.5f + sy * f[i + 1];
                }
            }
            ((FloatBuffer) low.createBuffer()).put(0, f);
            Mat map = new Mat();
            resize(low, map, image.size(), 0, 0, INTER_LINEAR);
            return map;
        }
    }

    /** Resizes a flow field to {@code width}×{@code height}, scaling its vectors by the same factors. */
    public static Mat upscale(Mat flow, int width, int height) {
        if (flow.cols() == width && flow.rows() == height) {
            return flow.clone();
        }
        Mat up = new Mat();
        try (Size size = new Size(width, height)) {
            resize(flow, up, size, 0, 0, INTER_LINEAR);
        }
        float sx = width / (float) flow.cols();
        float sy = height / (float) flow.rows();
        FloatBuffer f = up.createBuffer();
        for (int i = 0, n = width * height * 2; i < n; i += 2) {
            f.put(i, f.get(i) * sx);
            f.put(i + 1, f.get(i + 1) * sy);
        }
        return up;
    }

    /** The flow {@code a → c} given {@code a → b} and {@code b → c}: {@code ab(x) + bc(x + ab(x))}. */
    public static Mat compose(Mat ab, Mat bc) {
        Mat bcAtTarget = warp(bc, ab);
        Mat out = new Mat();
        org.bytedeco.opencv.global.opencv_core.add(ab, bcAtTarget, out);
        bcAtTarget.close();
        return out;
    }

    /**
     * Forward–backward consistency in {@code a}'s grid: 255 where following {@code ab} then {@code ba} returns close
     * to the start (the pixel stays visible), 0 where it is occluded in {@code b} or the flow is unreliable.
     */
    public static Mat consistency(Mat ab, Mat ba) {
        int w = ab.cols();
        int h = ab.rows();
        try (Mat baAtTarget = warp(ba, ab)) {
            float[] f = floats(ab, 2 * w * h);
            float[] g = floats(baAtTarget, 2 * w * h);
            byte[] m = new byte[w * h];
            for (int i = 0, p = 0, n = w * h; p < n; p++, i += 2) {
                float fx = f[i];
                float fy = f[i + 1];
                float gx = g[i];
                float gy = g[i + 1];
                float sx = fx + gx;
                float sy = fy + gy;
                float err = sx * sx + sy * sy;
                float bound = 0.01f * (fx * fx + fy * fy + gx * gx + gy * gy) + 0.5f;
                m[p] = err <= bound ? (byte) 255 : 0;
            }
            Mat mask = new Mat(h, w, CV_8UC1);
            ((ByteBuffer) mask.createBuffer()).put(0, m);
            return mask;
        }
    }

    /** Absolute sampling coordinates {@code x + scale·flow(x)} for {@code remap}. */
    static Mat absoluteMap(Mat flow, double scale) {
        int w = flow.cols();
        int h = flow.rows();
        float[] f = floats(flow, 2 * w * h);
        float s = (float) scale;
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += 2) {
                f[i] = x + s * f[i];
                f[i + 1] = y + s * f[i + 1];
            }
        }
        Mat map = new Mat(h, w, CV_32FC2);
        ((FloatBuffer) map.createBuffer()).put(0, f);
        return map;
    }

    /** A copy of a continuous float Mat's values: plain array loops beat bounds-checked native buffer reads. */
    private static float[] floats(Mat m, int count) {
        float[] values = new float[count];
        ((FloatBuffer) m.createBuffer()).get(0, values);
        return values;
    }

    /** Mean magnitude of a flow field, in pixels of its grid. */
    public static double meanMagnitude(Mat flow) {
        FloatBuffer f = flow.createBuffer();
        double sum = 0;
        int n = flow.cols() * flow.rows();
        for (int i = 0; i < 2 * n; i += 2) {
            sum += Math.hypot(f.get(i), f.get(i + 1));
        }
        return n == 0 ? 0 : sum / n;
    }
}
