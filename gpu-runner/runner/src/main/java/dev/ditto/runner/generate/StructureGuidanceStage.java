package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.EdgeMaps;
import dev.ditto.runner.vision.OpticalFlow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Structure guidance from the source: DIS optical flow both ways between neighbouring frames (at
 * {@link GenerationState#FLOW_SCALE}), their forward–backward consistency, and Canny edge maps. Computed once and
 * reused by propagation, the temporal enhancer and the metrics.
 */
final class StructureGuidanceStage implements Stage {
    @Override
    public String name() {
        return "structure-guidance";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        int n = s.frames();
        s.gray = new Mat[n];
        s.edges = new Mat[n];
        IntStream.range(0, n).parallel().forEach(t -> {
            s.gray[t] = OpticalFlow.gray(s.source.get(t), GenerationState.FLOW_SCALE);
            s.edges[t] = EdgeMaps.canny(s.source.get(t));
        });
        GenerationState.checkInterrupted();
        s.forward = new Mat[n - 1];
        s.backward = new Mat[n - 1];
        s.forwardOk = new Mat[n - 1];
        s.backwardOk = new Mat[n - 1];
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, 2 * (n - 1)).parallel().forEach(i -> {
            int t = i / 2;
            if (i % 2 == 0) {
                s.forward[t] = OpticalFlow.flow(s.gray[t], s.gray[t + 1]);
            } else {
                s.backward[t] = OpticalFlow.flow(s.gray[t + 1], s.gray[t]);
            }
            int d = done.incrementAndGet();
            if (d % 16 == 0) {
                progress.report(name(), 0.9 * d / (2.0 * (n - 1)));
            }
        });
        GenerationState.checkInterrupted();
        IntStream.range(0, n - 1).parallel().forEach(t -> {
            s.forwardOk[t] = OpticalFlow.consistency(s.forward[t], s.backward[t]);
            s.backwardOk[t] = OpticalFlow.consistency(s.backward[t], s.forward[t]);
        });
        progress.report(name(), 1);
        return new StageResult("builtin.structure-guidance", "opencv-dis-fast+canny", opencv_core.CV_VERSION);
    }
}
