package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.vision.ObjectDetector;
import dev.ditto.runner.vision.ObjectDetectorTest;
import dev.ditto.runner.vision.TestModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ProbeObjectTagsTest {

    @Test
    void theBoxClipIsTaggedWithItsBox() throws Exception {
        Path model = TestModels.objectDetector().orElse(null);
        assertTrue(model != null, "the object detector model could not be fetched from the npm registry (@mediapipe/objectron); run gpu-runner/fetch-models.sh and set DITTO_MODELS");
        try (ObjectDetector detector = new ObjectDetector(model);
             Mat a = ObjectDetectorTest.frameOf(TestClips.box(), 280);
             Mat b = ObjectDetectorTest.frameOf(TestClips.box(), 320);
             Mat c = ObjectDetectorTest.frameOf(TestClips.box(), 360)) {
            Map<String, Double> scores = new LinkedHashMap<>();
            ProbeEngine.ObjectFindings found = ProbeEngine.objectScores(detector, List.of(a, b, c), scores);
            List<String> tags = found.tags();
            assertThat(tags).contains("object:box").doesNotContain("object:person");
            // the clip's embedding from the same passes: unit length, 1280-d
            assertThat(found.embedding()).hasSize(dev.ditto.protocol.ClipResult.EMBEDDING_DIMENSIONS);
            double norm = 0;
            for (float x : found.embedding()) {
                norm += x * (double) x;
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(scores.get("object_box")).isBetween(0.05, 0.8);
        }
    }
}
