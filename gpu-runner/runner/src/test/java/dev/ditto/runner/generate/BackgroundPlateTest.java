package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/** The parts of {@link BackgroundPlate} that decide what a removed person leaves behind. */
class BackgroundPlateTest {

    /** What no frame shows of a smoothly lit wall is filled with that shading, not streaks or a flat patch. */
    @Test
    void smoothFillContinuesTheShadingAcrossTheHole() {
        int w = 320;
        int h = 240;
        byte[] px = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(60 + 0.4 * x + 0.3 * y);
                for (int c = 0; c < 3; c++) {
                    px[3 * (y * w + x) + c] = (byte) v;
                }
            }
        }
        try (Mat plate = new Mat(h, w, CV_8UC3); Mat hole = new Mat(h, w, CV_8UC1, new Scalar(0.0));
             Rect r = new Rect(110, 70, 100, 90)) {
            ((ByteBuffer) plate.createBuffer()).put(0, px);
            try (Mat inHole = hole.apply(r); Mat before = plate.apply(r)) {
                inHole.put(new Scalar(255.0));
                before.put(new Scalar(0, 0, 0, 0)); // what was there must not matter
            }
            BackgroundPlate.fillSmooth(plate, hole);
            byte[] out = new byte[3 * w * h];
            ((ByteBuffer) plate.createBuffer()).get(0, out);
            int worst = 0;
            for (int y = 70; y < 160; y++) {
                for (int x = 110; x < 210; x++) {
                    int want = (int) Math.round(60 + 0.4 * x + 0.3 * y);
                    worst = Math.max(worst, Math.abs((out[3 * (y * w + x)] & 0xff) - want));
                }
            }
            assertThat(worst).as("largest departure from the wall's shading inside the fill").isLessThanOrEqualTo(4);
        }
    }

    /**
     * Near the person a darkening is their shadow and the plate replaces it; far from them, or where the frame is
     * lighter than the plate, the frame's own pixels are kept.
     */
    @Test
    void theShadowNearThePersonGoesWithThemNothingElseDoes() {
        int w = 640;
        int h = 240;
        try (Mat plate = new Mat(h, w, CV_8UC3, new Scalar(200, 200, 200, 0));
             Mat frame = new Mat(h, w, CV_8UC3, new Scalar(200, 200, 200, 0));
             Mat hole = new Mat(h, w, CV_8UC1, new Scalar(0.0))) {
            rect(hole, 20, 60, 60, 120, new Scalar(255.0));
            rect(frame, 100, 40, 40, 40, new Scalar(160, 160, 160, 0)); // 40 darker, 20 px from the hole
            rect(frame, 100, 150, 40, 40, new Scalar(245, 245, 245, 0)); // 45 lighter, as near
            rect(frame, 560, 100, 40, 40, new Scalar(160, 160, 160, 0)); // as dark, far from the hole
            try (Mat a = BackgroundPlate.agreement(frame, plate, hole, BackgroundPlate.SHADOW);
                 Mat plain = BackgroundPlate.agreement(frame, plate)) {
                assertThat(at(a, 120, 60)).as("shadow near the person").isEqualTo(255);
                assertThat(at(plain, 120, 60)).as("the same without the shadow rule").isZero();
                assertThat(at(a, 120, 170)).as("lighter near the person").isZero();
                assertThat(at(a, 580, 120)).as("darker far from the person").isZero();
                assertThat(at(a, 300, 120)).as("agreeing wall").isEqualTo(255);
            }
        }
    }

    /** The still camera and a moving one are told apart by the frames' gradients, not by the flow. */
    @Test
    void misfitIsLeastAtTheTrueShift() {
        int w = 208;
        int h = 120;
        byte[] noise = new byte[w * h];
        new Random(7).nextBytes(noise);
        try (Mat key = new Mat(h, w, CV_8UC1); Mat moved = new Mat(); Mat all = new Mat(h, w, CV_8UC1, new Scalar(255.0));
             Mat m = new Mat(2, 3, CV_64F); Size k = new Size(0, 0)) {
            ((ByteBuffer) key.createBuffer()).put(0, noise);
            opencv_imgproc.GaussianBlur(key, key, k, 1.5);
            DoubleBuffer d = m.createBuffer();
            d.put(0, 1).put(1, 0).put(2, 5).put(3, 0).put(4, 1).put(5, 3);
            opencv_imgproc.warpAffine(key, moved, m, key.size());
            double atShift = BackgroundPlate.misfit(key, all, moved, all, 5, 3);
            double still = BackgroundPlate.misfit(key, all, moved, all, 0, 0);
            assertThat(atShift).isLessThan(still / 4);
            // and a frame that did not move is best explained by a still camera
            assertThat(BackgroundPlate.misfit(key, all, key, all, 0, 0))
                    .isLessThan(BackgroundPlate.misfit(key, all, key, all, 5, 3) / 4);
        }
    }

    private static void rect(Mat m, int x, int y, int w, int h, Scalar v) {
        try (Point a = new Point(x, y); Point b = new Point(x + w - 1, y + h - 1)) {
            opencv_imgproc.rectangle(m, a, b, v, opencv_imgproc.FILLED, 8, 0);
        }
    }

    private static int at(Mat m, int x, int y) {
        return ((ByteBuffer) m.createBuffer()).get(y * m.cols() + x) & 0xff;
    }
}
