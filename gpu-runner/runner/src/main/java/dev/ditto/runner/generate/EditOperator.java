package dev.ditto.runner.generate;

import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic image edit: the same source pixels (and mask) give the same result, so re-applying it to newly
 * visible pixels of later frames stays consistent with the propagated key frame.
 */
interface EditOperator {

    /** Edits a BGR image (a whole frame or a region of one); {@code personMask} is given when {@link #needsMask()}. */
    Mat apply(Mat bgr, @Nullable Mat personMask);

    /**
     * Edits {@code bgr}, the part of a {@code frameWidth}×{@code frameHeight} frame whose top-left corner is at
     * {@code x, y} (re-editing a region, {@link RegionEdit}). Operators whose look is anchored to the frame (a grain
     * pattern, weather particles) place it by these coordinates, so a re-edited region matches the frame around it;
     * the rest ignore them.
     */
    default Mat applyAt(Mat bgr, @Nullable Mat personMask, int x, int y, int frameWidth, int frameHeight) {
        return apply(bgr, personMask);
    }

    /** Whether {@link #apply} reads the person mask. */
    default boolean needsMask() {
        return false;
    }

    /**
     * Whether each output pixel depends only on the same pixel of the input (a colour grade): then every frame is
     * edited on its own, which is exact and as steady as the source, instead of warping the key frame along the flow.
     */
    default boolean pointwise() {
        return false;
    }

    /** Pixels of context around a region that the operator's filters reach. */
    default int margin() {
        return 16;
    }
}
