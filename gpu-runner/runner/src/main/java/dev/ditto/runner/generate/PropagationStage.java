package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY_INV;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_TOZERO;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_TRUNC;
import static org.bytedeco.opencv.global.opencv_imgproc.blendLinear;
import static org.bytedeco.opencv.global.opencv_core.CV_32S;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.connectedComponentsWithStats;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.OpticalFlow;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Carries the edited key frame through the clip along the source's optical flow, forwards and backwards. Each frame
 * samples the key frame once through the accumulated flow (no blur builds up from repeated resampling); pixels that
 * were occluded or left the frame on the way (forward–backward inconsistency) are filled by re-applying the edit to
 * this frame's source pixels there, so new content gets the same look.
 */
final class PropagationStage implements Stage {
    @Override
    public String name() {
        return "propagation";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        EditPlan plan = s.plan;
        int n = s.frames();
        if (plan.propagation() == EditPlan.Propagation.BACKGROUND_FILL) {
            s.awaitGuidance();
            keyFrameFullyPropagated(s);
            if (s.objectMasks == null) {
                BackgroundPlate.fill(s, progress);
                return new StageResult("builtin.background-plate", "temporal-median-plate+camera-motion+telea-holes",
                        opencv_core.CV_VERSION);
            }
            backgroundFill(s, progress);
            return new StageResult("builtin.background-propagation", "opencv-dis-fast+median-background-motion",
                    opencv_core.CV_VERSION);
        }
        Paths paths = paths(s);
        if (!plan.operator().pointwise()) {
            IntStream.of(+1, -1).parallel().forEach(dir -> paths.walk(s, dir));
        }
        for (CompletableFuture<?> f : paths.ready) {
            f.join();
        }
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, n).filter(t -> t != s.keyIndex).parallel().forEach(t -> {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            renderFrame(s, paths, t);
            int d = done.incrementAndGet();
            if (d % 8 == 0) {
                progress.report(name(), d / (double) (n - 1));
            }
        });
        GenerationState.checkInterrupted();
        return result(s);
    }

    /** What propagated the edit: the flow, or (a pointwise edit) the same edit applied to every frame. */
    static StageResult result(GenerationState s) {
        return s.plan.operator().pointwise()
                ? new StageResult("builtin.pointwise-per-frame", "edit-applied-to-each-source-frame", opencv_core.CV_VERSION)
                : new StageResult("builtin.flow-propagation", "opencv-dis-fast+fb-consistency-occlusion",
                        opencv_core.CV_VERSION);
    }

    static boolean followsFlow(GenerationState s) {
        return s.plan.propagation() != EditPlan.Propagation.BACKGROUND_FILL;
    }

    /**
     * The paths of every frame back to the key frame at flow resolution: accumulated flow and its validity. Each
     * frame's path is published ({@link #ready}) as the walk outwards from the key frame reaches it, which it does as
     * the structure guidance delivers the flow pairs on the way.
     */
    static final class Paths {
        final float[][] acc;
        final float[][] valid;
        final int w;
        final int h;
        final CompletableFuture<?>[] ready;

        private Paths(int n, int w, int h) {
            this.acc = new float[n][];
            this.valid = new float[n][];
            this.w = w;
            this.h = h;
            this.ready = new CompletableFuture<?>[n];
            for (int t = 0; t < n; t++) {
                ready[t] = new CompletableFuture<>();
            }
        }

        /** Chains the step flows from the key frame outwards in direction {@code dir} (+1 or −1). */
        void walk(GenerationState s, int dir) {
            int n = s.frames();
            int t = s.keyIndex + dir;
            try {
                for (; t >= 0 && t < n; t += dir) {
                    s.awaitPair(dir > 0 ? t - 1 : t);
                    acc[t] = new float[2 * w * h];
                    valid[t] = new float[w * h];
                    if (dir > 0) {
                        FlowFields.step(acc[t - 1], valid[t - 1], s.backward(t - 1), s.backwardOk(t - 1), w, h,
                                acc[t], valid[t]);
                    } else {
                        FlowFields.step(acc[t + 1], valid[t + 1], s.forward(t), s.forwardOk(t), w, h, acc[t],
                                valid[t]);
                    }
                    ready[t].complete(null);
                }
            } catch (Throwable e) {
                for (; t >= 0 && t < n; t += dir) {
                    ready[t].completeExceptionally(e);
                }
            }
        }
    }

    private static float[] keyFrameFullyPropagated(GenerationState s) {
        int w = s.gray[0].cols();
        int h = s.gray[0].rows();
        float[] ones = new float[w * h];
        Arrays.fill(ones, 1f);
        s.propagated = new Mat[s.frames()];
        s.propagated[s.keyIndex] = FlowFields.scalarMat(ones, w, h);
        return ones;
    }

    /**
     * The paths, to be filled by {@link Paths#walk} in each direction; the key frame's is set and its validity is
     * full. A pointwise edit needs no paths: every frame is edited on its own, and every path counts as ready.
     */
    static Paths paths(GenerationState s) {
        int n = s.frames();
        int w = s.gray[0].cols();
        int h = s.gray[0].rows();
        float[] ones = keyFrameFullyPropagated(s);
        Paths paths = new Paths(n, w, h);
        paths.acc[s.keyIndex] = new float[2 * w * h];
        paths.valid[s.keyIndex] = ones;
        paths.ready[s.keyIndex].complete(null);
        if (s.plan.operator().pointwise()) {
            for (CompletableFuture<?> f : paths.ready) {
                f.complete(null);
            }
        }
        return paths;
    }

    /**
     * Renders output frame {@code t} (not the key frame) from the edited key frame along its path; a pointwise edit
     * is applied to the frame itself, which then counts as fully propagated (nothing for the enhancer to steady).
     */
    static void renderFrame(GenerationState s, Paths paths, int t) {
        EditOperator op = s.plan.operator();
        if (op instanceof SceneOverlay overlay && overlay.tracked()) {
            // an added element is drawn rigidly where its surface went, hidden where something passes in front
            s.output[t] = overlay.drawOnFrame(s.source.get(t), t, s.source.get(s.keyIndex), s.keyIndex);
            try (Scalar one = new Scalar(1.0)) {
                s.propagated[t] = new Mat(paths.h, paths.w, CV_32FC1, one);
            }
            return;
        }
        if (op.pointwise()) {
            s.output[t] = op.apply(s.source.get(t), null);
            try (Scalar one = new Scalar(1.0)) {
                s.propagated[t] = new Mat(paths.h, paths.w, CV_32FC1, one);
            }
            return;
        }
        try (Mat flow = FlowFields.flowMat(paths.acc[t], paths.w, paths.h)) {
            Mat v = FlowFields.scalarMat(paths.valid[t], paths.w, paths.h);
            s.propagated[t] = v;
            Mat key = s.keyEdited != null ? s.keyEdited : s.output[s.keyIndex];
            s.output[t] = render(s, s.plan.operator(), key, flow, v, t);
        }
    }

    /**
     * Warped key frame where the path was valid, the edit re-applied to the source where it was not. Done in tiles
     * ({@link FieldTiles}): where the key frame's weight is 0 everywhere in a tile it is not sampled, and the blend
     * runs only where the weight is neither 0 nor 1 (elsewhere it would give one of its inputs unchanged).
     */
    private static Mat render(GenerationState s, EditOperator op, Mat key, Mat accFlow, Mat validLow, int t) {
        try (Mat closed = new Mat(); Mat holes = new Mat(); Mat holes8 = new Mat();
             Mat kernel = new Mat(3, 3, org.bytedeco.opencv.global.opencv_core.CV_8U, new Scalar(1.0));
             Mat labels = new Mat(); Mat stats = new Mat(); Mat centroids = new Mat()) {
            // closing removes isolated inconsistent pixels (flow noise, not occlusion) before deciding what to re-edit
            morphologyEx(validLow, closed, MORPH_CLOSE, kernel);
            // validity 0.5 → 0, 0.9 → 1: only confidently tracked pixels keep the key frame's look
            closed.convertTo(closed, CV_32FC1, 2.5, -1.25);
            threshold(closed, closed, 1, 1, THRESH_TRUNC);
            threshold(closed, closed, 0, 0, THRESH_TOZERO);
            threshold(closed, holes, 0.999, 255, THRESH_BINARY_INV);
            holes.convertTo(holes8, CV_8UC1);
            int count = connectedComponentsWithStats(holes8, labels, stats, centroids, 8, CV_32S);
            if (count <= 1) {
                return OpticalFlow.warpScaled(key, accFlow);
            }
            int width = key.cols();
            int height = key.rows();
            double sx = width / (double) validLow.cols();
            double sy = height / (double) validLow.rows();
            List<int[]> boxes = new ArrayList<>();
            IntBuffer st = stats.createBuffer();
            int cols = stats.cols();
            for (int c = 1; c < count; c++) {
                int x = (int) Math.floor((st.get(c * cols) - 1) * sx);
                int y = (int) Math.floor((st.get(c * cols + 1) - 1) * sy);
                int x2 = (int) Math.ceil((st.get(c * cols) + st.get(c * cols + 2) + 1) * sx);
                int y2 = (int) Math.ceil((st.get(c * cols + 1) + st.get(c * cols + 3) + 1) * sy);
                boxes.add(new int[] {Math.max(0, x), Math.max(0, y), Math.min(width, x2), Math.min(height, y2)});
            }
            boxes = mergeBoxes(boxes, op.margin(), width, height);
            float[] weight = new float[validLow.cols() * validLow.rows()];
            ((FloatBuffer) closed.createBuffer()).get(0, weight);
            List<FieldTiles.Run> runs = FieldTiles.runs(weight, validLow.cols(), validLow.rows(), width, height);
            Mat out = new Mat(height, width, key.type());
            try (Mat map = OpticalFlow.samplingMap(key, accFlow)) {
                for (FieldTiles.Run r : runs) {
                    // the key frame is needed unless every pixel here ends up re-edited (weight 0 inside a box)
                    if (r.kind() != FieldTiles.ZERO || !insideOne(boxes, r)) {
                        try (Rect rect = r.rect(); Mat part = out.apply(rect)) {
                            OpticalFlow.sample(key, map, rect, part);
                        }
                    }
                }
            }
            Mat src = s.source.get(t);
            Mat mask = op.needsMask() ? s.mask(t) : null;
            try (Mat alpha = new Mat()) {
                boolean alphaReady = false;
                for (int[] b : boxes) {
                    try (Rect region = new Rect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
                         Mat fill = RegionEdit.apply(op, src, mask, region)) {
                        for (FieldTiles.Run r : runs) {
                            int x0 = Math.max(b[0], r.x());
                            int y0 = Math.max(b[1], r.y());
                            int x1 = Math.min(b[2], r.x() + r.width());
                            int y1 = Math.min(b[3], r.y() + r.height());
                            if (x0 >= x1 || y0 >= y1 || r.kind() == FieldTiles.ONE) {
                                continue; // weight 1: the blend keeps the key frame
                            }
                            try (Rect part = new Rect(x0, y0, x1 - x0, y1 - y0);
                                 Rect inFill = new Rect(x0 - b[0], y0 - b[1], x1 - x0, y1 - y0);
                                 Mat outPart = out.apply(part); Mat fillPart = fill.apply(inFill)) {
                                if (r.kind() == FieldTiles.ZERO) {
                                    fillPart.copyTo(outPart); // weight 0: the blend gives the re-edit
                                    continue;
                                }
                                if (!alphaReady) {
                                    resize(closed, alpha, key.size(), 0, 0, INTER_LINEAR);
                                    alphaReady = true;
                                }
                                try (Mat a = alpha.apply(part); Mat inv = new Mat()) {
                                    a.convertTo(inv, CV_32FC1, -1, 1);
                                    blendLinear(outPart, fillPart, a, inv, outPart);
                                }
                            }
                        }
                    }
                }
            }
            return out;
        }
    }

    /** Whether one of the boxes ({x0, y0, x1, y1}) holds all of run {@code r}. */
    private static boolean insideOne(List<int[]> boxes, FieldTiles.Run r) {
        for (int[] b : boxes) {
            if (b[0] <= r.x() && b[1] <= r.y() && b[2] >= r.x() + r.width() && b[3] >= r.y() + r.height()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Merges the boxes to re-edit wherever one box costs less than two: each box is edited with {@code margin} pixels
     * of context around it, so nearby boxes share their context instead of paying for it twice, and many scattered
     * holes end up in one box.
     */
    static List<int[]> mergeBoxes(List<int[]> boxes, int margin, int width, int height) {
        if (boxes.size() > MAX_SEPARATE_BOXES) {
            // a frame riddled with holes: one box, rather than a quadratic number of comparisons per pass
            int[] u = {Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0};
            for (int[] b : boxes) {
                u[0] = Math.min(u[0], b[0]);
                u[1] = Math.min(u[1], b[1]);
                u[2] = Math.max(u[2], b[2]);
                u[3] = Math.max(u[3], b[3]);
            }
            return List.of(u);
        }
        List<int[]> out = new ArrayList<>(boxes);
        boolean merged = true;
        // passes until one merges nothing: a box grown by a merge may now pay for joining one it passed over
        while (merged) {
            merged = false;
            for (int i = 0; i < out.size(); i++) {
                for (int j = i + 1; j < out.size(); ) {
                    int[] a = out.get(i);
                    int[] b = out.get(j);
                    int[] u = {Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])};
                    if (cost(u, margin, width, height) <= cost(a, margin, width, height) + cost(b, margin, width, height)) {
                        out.set(i, u);
                        out.remove(j);
                        merged = true;
                    } else {
                        j++;
                    }
                }
            }
        }
        return out;
    }

    /** Beyond this many holes in one frame they are re-edited as one box. */
    static final int MAX_SEPARATE_BOXES = 256;

    /** Pixels an edit of box {@code b} ({x0, y0, x1, y1}) works on: the box and its context, within the frame. */
    static long cost(int[] b, int margin, int width, int height) {
        long w = Math.min(width, b[2] + margin) - Math.max(0, b[0] - margin);
        long h = Math.min(height, b[3] + margin) - Math.max(0, b[1] - margin);
        return w * h;
    }

    /**
     * Person removal: outside the (grown) person mask the output is the source; inside, the previous output is
     * carried along the background's motion, so background revealed in earlier frames fills the hole.
     */
    private static void backgroundFill(GenerationState s, Progress progress) {
        int n = s.frames();
        IntStream.of(+1, -1).parallel().forEach(dir -> {
            for (int t = s.keyIndex + dir; t >= 0 && t < n; t += dir) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                Mat stepFlow = dir > 0 ? s.backward(t - 1) : s.forward(t);
                Mat previous = s.output[t - dir];
                Mat mask = s.mask(t);
                try (Mat maskLow = new Mat(); Mat bgFlow = backgroundFlow(stepFlow, maskLow, mask);
                     Mat carried = OpticalFlow.warpScaled(previous, bgFlow)) {
                    try (Mat grown = LocalEdit.grownPersonMask(mask)) {
                        s.output[t] = LocalEdit.composite(carried, s.source.get(t), grown);
                        Mat v = new Mat();
                        resize(grown, v, maskLow.size(), 0, 0, INTER_AREA);
                        v.convertTo(v, CV_32FC1, -1 / 255.0, 1);
                        s.propagated[t] = v;
                    }
                }
                progress.report("propagation", Math.abs(t - s.keyIndex) / (double) (n / 2 + 1));
            }
        });
    }

    /** The flow with every person pixel's vector replaced by the median background motion. */
    private static Mat backgroundFlow(Mat stepFlow, Mat maskLowOut, Mat mask) {
        resize(mask, maskLowOut, stepFlow.size(), 0, 0, INTER_AREA);
        int count = stepFlow.cols() * stepFlow.rows();
        FloatBuffer f = stepFlow.createBuffer();
        ByteBuffer m = maskLowOut.createBuffer();
        float[] xs = new float[count];
        float[] ys = new float[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if ((m.get(i) & 0xff) < 64) {
                xs[k] = f.get(2 * i);
                ys[k] = f.get(2 * i + 1);
                k++;
            }
        }
        float mx = median(xs, k);
        float my = median(ys, k);
        Mat out = stepFlow.clone();
        FloatBuffer o = out.createBuffer();
        for (int i = 0; i < count; i++) {
            if ((m.get(i) & 0xff) >= 64) {
                o.put(2 * i, mx).put(2 * i + 1, my);
            }
        }
        return out;
    }

    private static float median(float[] v, int k) {
        if (k == 0) {
            return 0;
        }
        float[] copy = Arrays.copyOf(v, k);
        Arrays.sort(copy);
        return copy[k / 2];
    }
}
