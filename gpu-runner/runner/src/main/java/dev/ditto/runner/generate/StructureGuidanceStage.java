package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.OpticalFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Structure guidance from the source: DIS optical flow both ways between neighbouring frames (at
 * {@link GenerationState#FLOW_SCALE}), their forward–backward consistency, and Canny edge maps. Computed once per
 * clip ({@link SourceAnalysis}) and reused by propagation, the temporal enhancer and the metrics — and by every later
 * GENERATE of the same clip, which loads it from the {@link SourceAnalysisCache} instead of computing it.
 *
 * <p>When computed, the gray frames and edge maps are ready when {@link #run} returns; the flow pairs are computed in
 * the background and each published as it is done ({@link GenerationState#awaitPair}), those the propagation needs
 * first — from the key frame back to the first frame, then onwards to the last — first, so rendering and encoding
 * start while the rest of the clip's flow is still being computed. An edit applied to every frame on its own needs no
 * flow but for its metrics, which wait for all of it at the end.
 */
final class StructureGuidanceStage implements Stage {
    /** Background threads computing the flow pairs. */
    static final int WORKERS = 2;

    @Override
    public String name() {
        return "structure-guidance";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        int n = s.frames();
        s.gray = new Mat[n];
        // the first frame's gives the flow grid's size; the others are made when the flow is computed here, else
        // when a stage asks for them (a reused analysis needs none for most edits)
        s.gray[0] = OpticalFlow.gray(s.source.getFirst(), GenerationState.FLOW_SCALE);
        int fw = s.gray[0].cols();
        int fh = s.gray[0].rows();
        int width = s.source.getFirst().cols();
        int height = s.source.getFirst().rows();
        s.edges = new Mat[n];
        s.forward = new Mat[n - 1];
        s.backward = new Mat[n - 1];
        s.forwardOk = new Mat[n - 1];
        s.backwardOk = new Mat[n - 1];
        SourceAnalysis stored = s.analysis;
        if (stored == null && s.analyses != null && s.sourceKey != null) {
            stored = s.analyses.load(s.sourceKey);
        }
        if (stored != null && stored.fits(n, width, height, fw, fh) && stored.complete()) {
            s.analysis = stored;
            s.analysisReused = true;
            // flow, consistency and edges are inflated when a stage first asks for them: an edit applied to each
            // frame on its own never needs the forward flow, the metrics only some frames' edges
            s.guidanceLoaded();
            progress.report(name(), 1);
            return result(true);
        }
        s.grayFrames();
        SourceAnalysis analysis = new SourceAnalysis(n, width, height, fw, fh);
        s.analysis = analysis;
        s.analysisReused = false;
        IntStream.range(0, n).parallel().forEach(t -> s.edges[t] = analysis.computeEdges(t, s.source.get(t)));
        GenerationState.checkInterrupted();
        int key = KeyFrameEditStage.keyIndex(n);
        List<Integer> order = new ArrayList<>();
        for (int p = key - 1; p >= 0; p--) {
            order.add(p);
        }
        for (int p = Math.max(0, key); p < n - 1; p++) {
            order.add(p);
        }
        AtomicInteger done = new AtomicInteger();
        s.startGuidance(WORKERS, order, p -> {
            Mat[] pair = analysis.computePair(p, s.gray[p], s.gray[p + 1]);
            s.forward[p] = pair[0];
            s.backward[p] = pair[1];
            s.forwardOk[p] = pair[2];
            s.backwardOk[p] = pair[3];
            int d = done.incrementAndGet();
            if (d % 8 == 0 || d == n - 1) {
                progress.report(name(), d / (double) (n - 1));
            }
        });
        return result(false);
    }

    private StageResult result(boolean reused) {
        // whether the analysis was reused or computed is recorded as the job's source-analysis stage
        return new StageResult("builtin.structure-guidance", "opencv-dis-fast+canny", opencv_core.CV_VERSION);
    }
}
