package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.ditto.runner.models.ModelFile;
import dev.ditto.runner.models.ModelStore;
import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class TextDetectorTest {
    @Test
    void pageOfTextIsMostlyTextAndAFootballPhotoIsNot() throws Exception {
        Optional<Path> model = ModelStore.locate(null, System.getenv()).find(ModelFile.PPOCR_V4_DET);
        assertThat(model).as("PP-OCRv4 detector: ./ditto test fetches it (gpu-runner/fetch-models.sh)").isPresent();
        try (TextDetector text = new TextDetector(model.get());
             Mat page = imread("/usr/share/doc/opencv-doc/examples/data/imageTextN.png");
             Mat photo = imread("/usr/share/doc/opencv-doc/examples/data/messi5.jpg")) {
            assertThat(text.textArea(page)).isGreaterThan(0.3);
            assertThat(text.textArea(photo)).isLessThan(0.05);
        }
    }

    @Test
    void tallBlobIsNotALineOfText() {
        assertThat(TextDetector.lineShaped(new org.bytedeco.opencv.opencv_core.Rect(400, 140, 80, 200), 480)).isFalse();
        assertThat(TextDetector.lineShaped(new org.bytedeco.opencv.opencv_core.Rect(100, 400, 300, 30), 480)).isTrue();
    }
}
