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

    /**
     * A frame of OpenCV's box.mp4 (a box held over a table; only an arm in view) cut to the 832×480 training format,
     * as PROBE sees it: squashed into the model's 256×256 input the tablecloth was marked as person (0.76 of the
     * frame); letterboxed it is not.
     */
    @Test
    void aWideTrainingFormatFrameIsLetterboxedNotSquashed() throws Exception {
        Path model = TestModels.selfieSegmentation().orElseThrow();
        Path video = java.nio.file.Files.createTempFile("box-", ".mp4");
        try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(
                Path.of("/usr/share/doc/opencv-doc/opencv4/html/box.mp4.gz")))) {
            java.nio.file.Files.copy(in, video, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (PersonSegmenter seg = PersonSegmenter.create(model);
             dev.ditto.runner.media.VideoReader reader = dev.ditto.runner.media.VideoReader.open(video)) {
            for (int i = 0; i < 25; i++) {
                reader.read().close();
            }
            try (dev.ditto.runner.media.DecodedFrame frame = reader.read(); Mat scaled = new Mat();
                 org.bytedeco.opencv.opencv_core.Size size = new org.bytedeco.opencv.opencv_core.Size(832, 624)) {
                org.bytedeco.opencv.global.opencv_imgproc.resize(frame.image(), scaled, size);
                try (Mat wide = scaled.apply(new Rect(0, 72, 832, 480)).clone(); Mat mask = seg.mask(wide)) {
                    assertThat(mask.cols()).isEqualTo(832);
                    assertThat(mask.rows()).isEqualTo(480);
                    assertThat(meanIn(mask, new Rect(0, 0, 832, 480)) / 255).as("share marked person").isLessThan(0.2);
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(video);
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
