package dev.ditto.runner.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class OpticalFlowTest {
    static final String DATA = "/usr/share/doc/opencv-doc/examples/data/";

    @Test
    void recoversAKnownShiftOfARealImage() {
        try (Mat full = imread(DATA + "rubberwhale1.png", IMREAD_GRAYSCALE);
             Mat a = full.apply(new Rect(10, 10, 400, 300)).clone();
             Mat b = full.apply(new Rect(13, 8, 400, 300)).clone();
             Mat flow = OpticalFlow.flow(a, b)) {
            // b(x) = full(x + (13, 8)), a(x) = full(x + (10, 10)) → a(x) = b(x + (-3, +2))
            FloatBuffer f = flow.createBuffer();
            double sx = 0, sy = 0;
            int n = 0;
            for (int y = 50; y < 250; y++) {
                for (int x = 50; x < 350; x++) {
                    int i = 2 * (y * flow.cols() + x);
                    sx += f.get(i);
                    sy += f.get(i + 1);
                    n++;
                }
            }
            assertThat(sx / n).isCloseTo(-3.0, org.assertj.core.data.Offset.offset(0.3));
            assertThat(sy / n).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.3));
        }
    }

    @Test
    void warpingAlongTheFlowRecreatesTheFirstFrameAndConsistencyHoldsOutsideOcclusions() {
        try (Mat a = imread(DATA + "rubberwhale1.png", IMREAD_GRAYSCALE);
             Mat b = imread(DATA + "rubberwhale2.png", IMREAD_GRAYSCALE);
             Mat ab = OpticalFlow.flow(a, b); Mat ba = OpticalFlow.flow(b, a);
             Mat warped = OpticalFlow.warp(b, ab); Mat diffWarped = new Mat(); Mat diffRaw = new Mat();
             Mat consistent = OpticalFlow.consistency(ab, ba)) {
            opencv_core.absdiff(a, warped, diffWarped);
            opencv_core.absdiff(a, b, diffRaw);
            assertThat(opencv_core.mean(diffWarped).get(0)).isLessThan(opencv_core.mean(diffRaw).get(0) * 0.7);
            assertThat(opencv_core.countNonZero(consistent) / (double) (a.cols() * a.rows())).isGreaterThan(0.8);
        }
    }

    @Test
    void edgeSsimIsOneForIdenticalStructureAndLowerForDifferentImages() {
        try (Mat a = imread(DATA + "rubberwhale1.png"); Mat b = imread(DATA + "rubberwhale2.png");
             Mat other = imread(DATA + "basketball1.png");
             Mat ea = EdgeMaps.canny(a); Mat eb = EdgeMaps.canny(b);
             Mat eo = EdgeMaps.canny(other.apply(new Rect(0, 0, a.cols(), a.rows())).clone())) {
            assertThat(EdgeMaps.ssim(ea, ea)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(EdgeMaps.ssim(ea, eb)).isGreaterThan(EdgeMaps.ssim(ea, eo));
        }
    }
}
