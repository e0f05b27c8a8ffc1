package dev.ditto.runner.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class PersonSegmenterTest {
    static final Path MESSI = Path.of("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");

    @Test
    void selfieModelMarksThePlayerAndNotTheSky() {
        Path model = TestModels.selfieSegmentation().orElseThrow();
        try (PersonSegmenter seg = PersonSegmenter.create(model); Mat photo = imread(MESSI.toString());
             Mat mask = seg.mask(photo)) {
            imwrite("target/messi-mask.png", mask);
            assertThat(seg.engine()).isEqualTo("opencv-dnn-tflite");
            assertThat(mask.cols()).isEqualTo(photo.cols());
            assertThat(mask.rows()).isEqualTo(photo.rows());
            assertThat(meanIn(mask, new Rect(215, 100, 50, 120))).as("torso").isGreaterThan(180);
            assertThat(meanIn(mask, new Rect(0, 0, 120, 60))).as("top-left background").isLessThan(30);
        }
    }

    @Test
    void withoutAModelTheClassicalFallbackRunsAndSaysSo() {
        try (PersonSegmenter seg = PersonSegmenter.create(null); Mat photo = imread(MESSI.toString());
             Mat mask = seg.mask(photo)) {
            imwrite("target/messi-mask-grabcut.png", mask);
            assertThat(seg.engine()).isEqualTo("opencv-grabcut");
            assertThat(seg.model()).contains("fallback");
            assertThat(mask.cols()).isEqualTo(photo.cols());
            assertThat(meanIn(mask, new Rect(215, 130, 40, 80))).as("torso").isGreaterThan(128);
            assertThat(meanIn(mask, new Rect(0, 0, 120, 60))).as("top-left background").isLessThan(30);
        }
    }

    static double meanIn(Mat mask, Rect r) {
        try (Mat roi = mask.apply(r)) {
            return org.bytedeco.opencv.global.opencv_core.mean(roi).get(0);
        }
    }
}
