package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;
import java.util.stream.IntStream;

/** Lays the plan's screen-space effects (weather, grain, vignette, pixel blocks) over every output frame. */
final class ScreenEffectsStage implements Stage {
    @Override
    public String name() {
        return "screen-effects";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        if (!s.plan.effects().isEmpty()) {
            IntStream.range(0, s.frames()).parallel().forEach(t -> applyTo(s, t));
        }
        progress.report(name(), 1);
        return result(s);
    }

    /** Lays the effects over output frame {@code t}. */
    static void applyTo(GenerationState s, int t) {
        for (ScreenEffect e : s.plan.effects()) {
            e.apply(s.output[t], t);
        }
    }

    static StageResult result(GenerationState s) {
        var effects = s.plan.effects();
        return new StageResult("builtin.screen-effects",
                effects.isEmpty() ? "none" : effects.stream().map(e -> e.getClass().getSimpleName()).toList().toString(),
                org.bytedeco.opencv.global.opencv_core.CV_VERSION);
    }
}
