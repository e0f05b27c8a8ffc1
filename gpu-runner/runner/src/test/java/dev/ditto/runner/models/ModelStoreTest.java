package dev.ditto.runner.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir
    Path dir;

    @Test
    void explicitDirectoryWinsOverTheEnvironmentWhichWinsOverTheHomeCache() {
        assertThat(ModelStore.locate(dir, Map.of("DITTO_MODELS", "/env")).directory()).isEqualTo(dir);
        assertThat(ModelStore.locate(null, Map.of("DITTO_MODELS", "/env")).directory()).isEqualTo(Path.of("/env"));
        assertThat(ModelStore.locate(null, Map.of()).directory())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "ditto", "models"));
    }

    @Test
    void findsAModelInTheDirectoryOrItsAssetsFolder() throws Exception {
        ModelStore store = new ModelStore(dir);
        assertThat(store.find(ModelFile.PPOCR_V4_DET)).isEmpty();
        Files.createDirectories(dir.resolve("assets"));
        Path det = Files.write(dir.resolve("assets").resolve(ModelFile.PPOCR_V4_DET.fileName()), new byte[] {1});
        assertThat(store.find(ModelFile.PPOCR_V4_DET)).contains(det);
    }

    @Test
    void missingModelSaysWhereItLookedAndHowToFetchIt() {
        String reason = new ModelStore(dir).missingReason(ModelFile.FACE_DETECTION_SHORT);
        assertThat(reason).contains("face_detection_short_range.tflite", dir.toString(), "fetch-models.sh",
                "@mediapipe/face_detection");
    }
}
