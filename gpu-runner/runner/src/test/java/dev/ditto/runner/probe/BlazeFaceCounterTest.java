package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.ditto.runner.models.ModelFile;
import dev.ditto.runner.models.ModelStore;
import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class BlazeFaceCounterTest {
    @Test
    void anchorsMatchTheShortRangeModelsOutputCount() {
        float[][] anchors = BlazeFaceCounter.anchors();
        assertThat(anchors).hasNumberOfRows(896);
        assertThat(anchors[0]).containsExactly(0.5f / 16, 0.5f / 16);
        assertThat(anchors[512]).containsExactly(0.5f / 8, 0.5f / 8);
    }

    @Test
    void findsTheFourFacesOfOpenCvsFaceGrid() {
        Optional<Path> model = ModelStore.locate(null, System.getenv()).find(ModelFile.FACE_DETECTION_SHORT);
        assertThat(model).as("BlazeFace model: ./ditto test fetches it (gpu-runner/fetch-models.sh)").isPresent();
        try (BlazeFaceCounter faces = new BlazeFaceCounter(model.get());
             Mat grid = imread("/usr/share/doc/opencv-doc/opencv4/html/facereg.jpg")) {
            assertThat(faces.count(grid)).isEqualTo(4);
        }
    }
}
