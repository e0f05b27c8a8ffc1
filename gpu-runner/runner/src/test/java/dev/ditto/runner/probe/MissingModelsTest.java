package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.Progress;
import dev.ditto.runner.TestClips;
import dev.ditto.runner.models.ModelStore;
import dev.ditto.runner.models.ScoreProvenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissingModelsTest {
    @TempDir
    Path dir;

    @Test
    void missingModelLeavesItsScoreAbsentAndTheProvenanceSaysWhy() throws Exception {
        Path emptyModels = Files.createDirectories(dir.resolve("no-models"));
        try (ProbeDetectors detectors = ProbeDetectors.load(new ModelStore(emptyModels))) {
            ProbeEngine engine = new ProbeEngine(detectors, ProbeLimits.DEFAULT, "bare-runner");
            Path cup = TestClips.cup(dir);
            // a small format keeps this cheap: the full-size path is covered by ProbeEngineTest
            ProbePayload payload = new ProbePayload(1, 3, new BlobRef("k", Files.size(cup), "video/mp4"), "cup.mp4",
                    new VideoFormat(320, 192, 17, 20), 0.5, 8);

            ProbeResult result = engine.run(payload, cup, Files.createDirectories(dir.resolve("work")),
                    new TestClips.RecordingSink(dir.resolve("out")), Progress.NONE);

            Map<String, Provenance.Stage> stages = result.provenance().stages().stream()
                    .collect(Collectors.toMap(Provenance.Stage::stage, s -> s));
            assertThat(stages.get("people").engine()).isEqualTo(ScoreProvenance.ABSENT);
            assertThat(stages.get("people").model()).contains("selfie_segmentation.tflite", "fetch-models.sh");
            assertThat(stages.get("text_overlay").engine()).isEqualTo(ScoreProvenance.ABSENT);
            // faces fall back to the Haar cascade from Debian's opencv-data, and say so
            assertThat(stages.get("faces").engine()).isIn("opencv-haar-fallback", ScoreProvenance.ABSENT);
            ClipResult clip = result.clips().getFirst();
            assertThat(clip.scores()).doesNotContainKeys("people", "text_overlay").containsKeys("motion");
            assertThat(clip.scores().containsKey("faces")).isEqualTo(!stages.get("faces").engine().equals(ScoreProvenance.ABSENT));
        }
    }
}
