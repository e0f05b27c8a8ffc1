package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.EditSpec;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.PersonSegmenter;
import dev.ditto.runner.vision.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EditOperatorsTest {
    static Mat frame;
    static Mat messi;
    static PersonSegmenter segmenter;

    @BeforeAll
    static void load() throws Exception {
        try (VideoReader r = VideoReader.open(TestClips.cupNormalised())) {
            frame = r.readAll(1).getFirst();
        }
        messi = imread("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");
        segmenter = PersonSegmenter.create(TestModels.requireSelfieSegmentation());
    }

    @AfterAll
    static void release() {
        frame.close();
        messi.close();
        segmenter.close();
    }

    @Test
    void winterGradeRaisesBlueAndLowersSaturation() {
        try (Mat out = apply(new EditSpec("grade", Map.of("grade", "winter"), 1, "winter"), messi)) {
            assertThat(channelMean(out, 0)).isGreaterThan(channelMean(messi, 0) + 5);
            assertThat(saturation(out)).isLessThan(saturation(messi) * 0.85);
        }
    }

    @Test
    void noirGradeRemovesColour() {
        try (Mat out = apply(new EditSpec("grade", Map.of("grade", "noir"), 1, "noir"), frame)) {
            assertThat(saturation(out)).isLessThan(2);
        }
    }

    @Test
    void everyCatalogueOperatorVisiblyChangesARealFrame() {
        List<EditSpec> specs = new ArrayList<>();
        EditOps.GLOBAL_STYLES.forEach(s -> specs.add(new EditSpec("style", Map.of("style", s), 1, s)));
        EditOps.COLOUR_GRADES.forEach(g -> specs.add(new EditSpec("grade", Map.of("grade", g), 1, g)));
        specs.add(new EditSpec("background_blur", Map.of("radius", 20), 1, "blur"));
        specs.add(new EditSpec("background_replace", Map.of("colour", "#20c040"), 1, "green screen"));
        specs.add(new EditSpec("person_recolour", Map.of("hue", 240), 1, "blue kit"));
        specs.add(new EditSpec("person_stylize", Map.of("style", "cartoon"), 1, "cartoon player"));
        specs.add(new EditSpec("person_remove", Map.of(), 1, "remove him"));
        specs.add(new EditSpec("add_snowfall", Map.of("density", 0.8), 1, "snow"));
        specs.add(new EditSpec("add_rain", Map.of("density", 0.8), 1, "rain"));
        for (EditSpec spec : specs) {
            try (Mat out = applyWithEffects(spec, messi)) {
                assertThat(meanAbsDiff(out, messi)).as(spec.op() + " " + spec.params()).isGreaterThan(2.0);
            }
        }
    }

    @Test
    void backgroundBlurKeepsThePersonAndBlursTheRest() {
        try (Mat out = apply(new EditSpec("background_blur", Map.of("radius", 20), 1, "blur"), messi)) {
            Rect torso = new Rect(215, 100, 50, 120);
            Rect sky = new Rect(0, 0, 200, 80);
            assertThat(meanAbsDiff(sub(out, torso), sub(messi, torso))).isLessThan(6);
            assertThat(sharpness(sub(out, sky))).isLessThan(sharpness(sub(messi, sky)) * 0.3);
        }
    }

    @Test
    void watercolourWashIsTheRecursiveEdgePreservingFilterOfOpenCvPhoto() {
        // the wash runs ximgproc's domain-transform filter; photo's edgePreservingFilter(RECURS_FILTER) is the
        // reference implementation of the same filter, six times slower
        try (Mat small = new Mat(); Mat reference = new Mat(); Mat fast = new Mat();
             org.bytedeco.opencv.opencv_core.Size half = new org.bytedeco.opencv.opencv_core.Size(416, 240)) {
            org.bytedeco.opencv.global.opencv_imgproc.resize(frame, small, half, 0, 0,
                    org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
            org.bytedeco.opencv.global.opencv_photo.edgePreservingFilter(small, reference, 1, 50f, 0.5f);
            org.bytedeco.opencv.global.opencv_ximgproc.dtFilter(small, small, fast, 50, 0.5 * 255,
                    org.bytedeco.opencv.global.opencv_ximgproc.DTF_RF, 3);
            assertThat(org.bytedeco.opencv.global.opencv_core.PSNR(reference, fast)).isGreaterThan(60.0);
        }
    }

    @Test
    void unknownOpIsRefusedNamingTheOp() {
        assertThatThrownBy(() -> EditPlans.validate(new EditSpec("add_dragons", Map.of(), 1, "dragons")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add_dragons");
    }

    @Test
    void badParamsAreRefusedNamingOpAndParam() {
        assertThatThrownBy(() -> EditPlans.validate(new EditSpec("grade", Map.of("grade", "purple"), 1, "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grade").hasMessageContaining("purple");
        assertThatThrownBy(() -> EditPlans.validate(new EditSpec("background_blur", Map.of("radius", -3), 1, "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("background_blur")
                .hasMessageContaining("radius");
        assertThatThrownBy(() -> EditPlans.validate(new EditSpec("person_recolour", Map.of("strength", 1), 1, "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hue").hasMessageContaining("required");
        assertThatThrownBy(() -> EditPlans.validate(new EditSpec("add_rain", Map.of("colour", "#ffffff"), 1, "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add_rain")
                .hasMessageContaining("colour");
    }

    private static Mat apply(EditSpec spec, Mat image) {
        EditPlan plan = EditPlans.compile(spec, image, image.cols(), image.rows());
        Mat mask = plan.operator().needsMask() ? segmenter.mask(image) : null;
        return plan.operator().apply(image, mask);
    }

    private static Mat applyWithEffects(EditSpec spec, Mat image) {
        EditPlan plan = EditPlans.compile(spec, image, image.cols(), image.rows());
        Mat out = apply(spec, image);
        for (ScreenEffect e : plan.effects()) {
            e.apply(out, 3);
        }
        return out;
    }

    private static Mat sub(Mat m, Rect r) {
        return m.apply(r).clone();
    }

    private static double channelMean(Mat m, int ch) {
        return mean(m).get(ch);
    }

    private static double saturation(Mat bgr) {
        try (Mat hsv = new Mat()) {
            opencv_imgproc.cvtColor(bgr, hsv, opencv_imgproc.COLOR_BGR2HSV);
            return mean(hsv).get(1);
        }
    }

    private static double meanAbsDiff(Mat a, Mat b) {
        try (Mat d = new Mat()) {
            absdiff(a, b, d);
            Scalar s = mean(d);
            return (s.get(0) + s.get(1) + s.get(2)) / 3;
        }
    }

    private static double sharpness(Mat bgr) {
        try (Mat gray = new Mat(); Mat lap = new Mat(); Mat sq = new Mat()) {
            opencv_imgproc.cvtColor(bgr, gray, opencv_imgproc.COLOR_BGR2GRAY);
            opencv_imgproc.Laplacian(gray, lap, org.bytedeco.opencv.global.opencv_core.CV_32F);
            org.bytedeco.opencv.global.opencv_core.multiply(lap, lap, sq);
            return mean(sq).get(0);
        }
    }
}
