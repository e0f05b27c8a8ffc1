package dev.ditto.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.clip.ClipScorer;
import dev.ditto.runner.clip.ClipTestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any engine's GENERATE result gains clip_t and clip_f, scored on the video it uploaded as edited.mp4. */
class ClipMetricsTest {
    @TempDir Path temp;

    @Test
    void theEditedVideoIsScoredAgainstTheInstructionAndTheEnginesMetricsAreKept() throws Exception {
        Path edited = ClipTestModels.redVideo(temp.resolve("edited.mp4"));
        List<String> uploaded = new ArrayList<>();
        ArtifactSink sink = (name, file, type) -> {
            uploaded.add(name);
            return new BlobRef("k-" + name, 1, type);
        };
        GenerateBackend engine = (payload, source, workDir, s, progress) -> {
            BlobRef video = s.store("edited.mp4", edited, "video/mp4");
            BlobRef key = s.store("edited-key-frame.jpg", edited, "image/jpeg");
            return new GenerateResult(1, video, key, Map.of("warp_error", 1.2), Map.of("encode", new StageTiming(1, 1, 0)),
                    new Provenance("r", List.of(new Provenance.Stage("encode", "builtin.encode", "x264", "1", 0))));
        };
        GeneratePayload payload = new GeneratePayload(1, 9, 3, 4, new BlobRef("src", 1, "video/mp4"), "Make it red",
                new EditSpec("style", Map.of(), 1, "red"), VideoFormat.DITTO_DEFAULT);

        try (ClipScorer clip = ClipScorer.load(ClipTestModels.tinyClip(temp.resolve("clip")), 81)) {
            GenerateResult result = ClipMetrics.wrap(engine, clip).run(payload, temp, temp, sink, (stage, f) -> {});
            ClipScorer.Scores expected = clip.score(edited, "Make it red");

            assertThat(result.metrics()).containsEntry("warp_error", 1.2).containsEntry("clip_t", expected.clipT())
                    .containsEntry("clip_f", expected.clipF());
            assertThat(expected.clipT()).isPositive();
            assertThat(result.timings()).containsKeys("encode", "clip");
            assertThat(result.provenance().stages()).extracting(Provenance.Stage::stage).containsExactly("encode", "clip-score");
            assertThat(result.provenance().stages().getLast().details()).containsKey("vision_model.onnx.sha256");
            assertThat(uploaded).containsExactly("edited.mp4", "edited-key-frame.jpg");
        }
    }
}
