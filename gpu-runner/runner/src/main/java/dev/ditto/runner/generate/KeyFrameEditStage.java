package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** Edits the key frame (the middle of the clip, so propagation runs at most half the clip in each direction). */
final class KeyFrameEditStage implements Stage {
    @Override
    public String name() {
        return "key-frame-edit";
    }

    /** The key frame of a clip of {@code frames} frames: the middle one. */
    static int keyIndex(int frames) {
        return frames / 2;
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        progress.report(name(), 0);
        s.keyIndex = keyIndex(s.frames());
        Mat key = s.source.get(s.keyIndex);
        EditPlan plan = EditPlans.compile(s.spec, key, s.format.width(), s.format.height());
        s.plan = plan;
        s.output = new Mat[s.frames()];
        s.output[s.keyIndex] = plan.operator().apply(key, plan.operator().needsMask() ? s.mask(s.keyIndex) : null);
        progress.report(name(), 1);
        return new StageResult("builtin.keyframe-edit", plan.description(), opencv_core.CV_VERSION);
    }
}
