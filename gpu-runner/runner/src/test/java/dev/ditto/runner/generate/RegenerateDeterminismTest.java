package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regenerate promises that a sample queued again from its recorded payload (operator, parameters, seed) gives the
 * same video on the built-in engine: compared on decoded frames, not file bytes, so the claim is about the pictures.
 */
class RegenerateDeterminismTest {
    static GenerateEngine engine;

    @BeforeAll
    static void start() {
        engine = new GenerateEngine("test-runner", TestModels.requireSelfieSegmentation(),
                GenerateEngine.DEFAULT_BRISQUE_DIR);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void theSameSpecAndSeedGiveIdenticalDecodedFrames() throws Exception {
        EditSpec spec = new EditSpec("add_snowfall", Map.of("density", 0.6), 1234, "add falling snow");
        List<String> first = frameHashes(run(spec, "regen-a"));
        List<String> second = frameHashes(run(spec, "regen-b"));
        assertThat(first).hasSize(73);
        assertThat(second).as("regenerated frames, one hash per decoded frame").isEqualTo(first);
    }

    @Test
    void anotherSeedGivesOtherFramesSoTheComparisonCanTellThemApart() throws Exception {
        List<String> a = frameHashes(run(new EditSpec("add_snowfall", Map.of("density", 0.6), 1234, "snow"), "seed-a"));
        List<String> b = frameHashes(run(new EditSpec("add_snowfall", Map.of("density", 0.6), 99, "snow"), "seed-b"));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aStyleTransferIsRepeatableToo() throws Exception {
        EditSpec spec = new EditSpec("style", Map.of("style", "watercolour", "strength", 0.8), 7, "watercolour");
        assertThat(frameHashes(run(spec, "style-b"))).isEqualTo(frameHashes(run(spec, "style-a")));
    }

    private static Path run(EditSpec spec, String name) throws Exception {
        Path work = TestClips.scratch(name);
        ArtifactSink sink = (n, file, type) -> new BlobRef("sha-" + n, Files.size(file), type);
        GenerateResult result = engine.run(GenerateEngineTest.payload(spec), TestClips.cupNormalised(), work, sink,
                Progress.NONE);
        assertThat(result.editedVideo()).isNotNull();
        return work.resolve("edited.mp4");
    }

    static List<String> frameHashes(Path video) throws Exception {
        List<String> hashes = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(video)) {
            for (Mat frame : reader.readAll(1000)) {
                try (frame) {
                    byte[] bytes = new byte[(int) (frame.total() * frame.elemSize())];
                    Mat continuous = frame.isContinuous() ? frame : frame.clone();
                    continuous.data().get(bytes);
                    hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
                }
            }
        }
        return hashes;
    }
}
