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
        if (plan.maskObject() != null) {
            ObjectMasks objects = new ObjectMasks(s.detector.get(), plan.maskObject(),
                    plan.propagation() != EditPlan.Propagation.BACKGROUND_FILL);
            objects.locateInKeyFrame(key);
            s.objectMasks = objects;
        }
        s.output = new Mat[s.frames()];
        if (plan.operator() instanceof SceneOverlay overlay) {
            // an added element goes on still scene: where it lands is chosen from the whole clip's motion
            s.awaitGuidance();
            SceneOverlay placed = overlay.placedOnStillScene(s.grayFrames(), s.allFlows()[0], s.allFlows()[1],
                    java.util.stream.IntStream.range(0, s.frames() - 1).mapToObj(s::backwardOk).toArray(Mat[]::new),
                    s.keyIndex);
            plan = new EditPlan(plan.description() + String.format(java.util.Locale.ROOT, " placed at %.2f,%.2f%s",
                    placed.anchorX(), placed.anchorY(), placed.hasPost() ? " on a post" : ""), placed, plan.propagation(), plan.effects(), null);
            s.plan = plan;
            s.output[s.keyIndex] = placed.drawOnFrame(key, s.keyIndex, key, s.keyIndex);
        } else {
            s.output[s.keyIndex] = plan.operator().apply(key, plan.operator().needsMask() ? s.mask(s.keyIndex) : null);
        }
        progress.report(name(), 1);
        return new StageResult("builtin.keyframe-edit", plan.description(), opencv_core.CV_VERSION);
    }
}
