package dev.ditto.agent.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One decoded moment of the clip: source and edited statistics at the same frame, and the edit's mask if sent. */
record FrameView(int frameIndex, ImageStats before, ImageStats after, float @Nullable [] mask) {

    /** A mask counts only if it covers at least this share of the frame; below it there is no person to edit. */
    static final double MIN_MASK_COVERAGE = 0.003;

    /** The decodable views of a judge input: its frame pairs, or the key frames when it has none. */
    static List<FrameView> of(JudgeInput input) {
        List<FrameView> out = new ArrayList<>();
        for (FramePair p : input.frames()) {
            Optional<ImageStats> b = ImageStats.decode(p.source());
            Optional<ImageStats> a = ImageStats.decode(p.edited());
            if (b.isPresent() && a.isPresent()) {
                out.add(new FrameView(p.frameIndex(), b.get(), a.get(), ImageStats.decodeMask(p.mask()).orElse(null)));
            }
        }
        if (out.isEmpty()) {
            Optional<ImageStats> b = ImageStats.decode(input.sourceKeyFrame());
            Optional<ImageStats> a = ImageStats.decode(input.editedKeyFrame());
            if (b.isPresent() && a.isPresent()) {
                out.add(new FrameView(-1, b.get(), a.get(), null));
            }
        }
        return out;
    }

    /** Whether this view has a mask with enough in it to measure inside and outside. */
    boolean hasMask() {
        return mask != null && ImageStats.coverage(mask) >= MIN_MASK_COVERAGE;
    }
}
