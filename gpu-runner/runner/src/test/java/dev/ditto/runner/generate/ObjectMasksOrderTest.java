package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.runner.vision.ObjectDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the detector misses the object, a frame's box does not depend on the order the frames are masked in. */
class ObjectMasksOrderTest {
    private static final int N = 9;
    private static final Set<Integer> MISSED = Set.of(0, 3, 4, 5);
    private final List<Mat> frames = new ArrayList<>();

    ObjectMasksOrderTest() {
        for (int t = 0; t < N; t++) {
            frames.add(new Mat(4, 4, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(t, t, t, 0)));
        }
    }

    @AfterEach
    void close() {
        frames.forEach(Mat::close);
    }

    /** A detector that sees the box at x = the frame's index, except in the frames it misses. */
    private static ObjectDetector.Detection seen(Mat bgr, String label) {
        int t = bgr.ptr(0, 0).get() & 0xff;
        return MISSED.contains(t) ? null : new ObjectDetector.Detection(label, 0.9, t, 0, 2, 2);
    }

    private List<Integer> boxesInOrder(List<Integer> order) {
        ObjectMasks masks = new ObjectMasks(ObjectMasksOrderTest::seen, "box", true);
        Integer[] x = new Integer[N];
        for (int t : order) {
            x[t] = masks.boxFor(t, N, frames::get).x();
        }
        return List.of(x);
    }

    @Test
    void aMissedFrameTakesTheNearestFramesBoxWhateverTheOrder() {
        List<Integer> forwards = boxesInOrder(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8));
        List<Integer> backwards = boxesInOrder(List.of(8, 7, 6, 5, 4, 3, 2, 1, 0));
        List<Integer> fromTheMiddle = boxesInOrder(List.of(4, 6, 2, 8, 0, 5, 3, 7, 1));
        // 0 → 1 (the only neighbour seen), 3 → 2, 4 → 2 (2 and 6 are as near: the earlier), 5 → 6
        assertThat(forwards).containsExactly(1, 1, 2, 2, 2, 6, 6, 7, 8);
        assertThat(backwards).isEqualTo(forwards);
        assertThat(fromTheMiddle).isEqualTo(forwards);
    }

    @Test
    void anObjectNoFrameShowsIsRefused() {
        ObjectMasks masks = new ObjectMasks((bgr, label) -> null, "dog", true);
        assertThatThrownBy(() -> masks.boxFor(4, N, frames::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no dog detected in any frame");
    }
}
