package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.blendLinear;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.OpticalFlow;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Flow-guided temporal smoothing: walking away from the key frame, each frame is blended with the previous output
 * warped onto it, wherever the flow is consistent and the pixel was re-edited rather than propagated (that is where
 * flicker lives). Weights drop at source edges so motion boundaries do not ghost.
 */
final class TemporalEnhancerStage implements Stage {
    /** Share of the warped previous frame at a fully re-edited, consistently tracked pixel. */
    static final double BLEND = 0.6;

    @Override
    public String name() {
        return "temporal-enhancer";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        int n = s.frames();
        IntStream.of(+1, -1).parallel().forEach(dir -> {
            for (int t = s.keyIndex + dir; t >= 0 && t < n; t += dir) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                smoothStep(s, t, dir);
            }
            progress.report(name(), dir > 0 ? 0.5 : 1.0);
        });
        GenerationState.checkInterrupted();
        return result();
    }

    static StageResult result() {
        return new StageResult("builtin.temporal-enhancer", "flow-guided-recursive-blend(" + BLEND + ")",
                opencv_core.CV_VERSION);
    }

    /** Smooths frame {@code t}, walking in direction {@code dir} (+1 or −1) from the key frame. */
    static void smoothStep(GenerationState s, int t, int dir) {
        Mat flow = dir > 0 ? s.backward(t - 1) : s.forward(t);
        Mat ok = dir > 0 ? s.backwardOk(t - 1) : s.forwardOk(t);
        smooth(s, t, s.output[t - dir], flow, ok);
    }

    private static void smooth(GenerationState s, int t, Mat previous, Mat flow, Mat ok) {
        try (Mat weight = new Mat(); Mat okF = new Mat(); DoublePointer max = new DoublePointer(1)) {
            // weight = BLEND · consistent · (1 − propagated)
            s.propagated[t].convertTo(weight, CV_32FC1, -BLEND, BLEND);
            ok.convertTo(okF, CV_32FC1, 1 / 255.0, 0);
            multiply(weight, okF, weight);
            minMaxLoc(weight, null, max, null, null, null);
            if (max.get() < 0.02) {
                return;
            }
            Mat out = s.output[t];
            // Where the weight is 0 the blend keeps the frame as it is (v·1 / (1 + 1e-5) rounds back to v), so only
            // the tiles with a weight are warped and blended: the same frame for less work.
            float[] low = new float[weight.cols() * weight.rows()];
            ((FloatBuffer) weight.createBuffer()).get(0, low);
            List<FieldTiles.Run> runs = FieldTiles.runs(low, weight.cols(), weight.rows(), out.cols(), out.rows());
            try (Mat full = new Mat(); Mat map = OpticalFlow.samplingMap(previous, flow)) {
                resize(weight, full, out.size(), 0, 0, INTER_LINEAR);
                for (FieldTiles.Run r : runs) {
                    if (r.kind() == FieldTiles.ZERO) {
                        continue;
                    }
                    try (Rect box = r.rect(); Mat weightPart = full.apply(box); Mat edgesPart = s.edges(t).apply(box);
                         Mat outPart = out.apply(box); Mat edgeF = new Mat(); Mat grownEdges = new Mat();
                         Mat keep = new Mat(); Mat warped = new Mat(); Mat none = new Mat()) {
                        OpticalFlow.sample(previous, map, box, warped);
                        // dilating a view reads the frame's pixels around it, like dilating the whole frame
                        dilate(edgesPart, grownEdges, none);
                        grownEdges.convertTo(edgeF, CV_32FC1, -0.5 / 255.0, 1);
                        multiply(weightPart, edgeF, weightPart);
                        weightPart.convertTo(keep, CV_32FC1, -1, 1);
                        blendLinear(warped, outPart, weightPart, keep, outPart);
                    }
                }
            }
        }
    }
}
