package dev.ditto.runner.generate;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A per-frame effect in screen space, applied after propagation and smoothing: things that move on their own
 * (snow, rain, film grain) or belong to the lens (vignette) or the display grid (pixel blocks) rather than the scene.
 */
interface ScreenEffect {

    /** Applies the effect to output frame {@code index} in place. */
    void apply(Mat bgr, int index);
}
