package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class PerceptualHashTest {
    private static final String DATA = "/usr/share/doc/opencv-doc/examples/data/";

    @Test
    void resizedAndBlurredCopiesHashCloseToTheOriginal() {
        try (Mat original = imread(DATA + "fruits.jpg"); Mat small = new Mat(); Mat blurred = new Mat()) {
            resize(original, small, new Size(original.cols() / 2, original.rows() / 2));
            GaussianBlur(original, blurred, new Size(5, 5), 1.5);
            long h = PerceptualHash.of(original);
            assertThat(PerceptualHash.distance(h, PerceptualHash.of(small))).isLessThanOrEqualTo(6);
            assertThat(PerceptualHash.distance(h, PerceptualHash.of(blurred))).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void differentPicturesHashFarApart() {
        try (Mat fruits = imread(DATA + "fruits.jpg"); Mat building = imread(DATA + "building.jpg")) {
            assertThat(PerceptualHash.distance(PerceptualHash.of(fruits), PerceptualHash.of(building))).isGreaterThan(16);
            assertThat(PerceptualHash.hex(fruits)).matches("[0-9a-f]{16}");
        }
    }
}
