package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.TestModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Probe-time reuse: the second GENERATE of a clip loads the analysis the first one (or PROBE) stored instead of
 * computing it, and produces the same frames and metrics.
 */
class SourceAnalysisReuseTest {
    static GenerateEngine engine;

    @BeforeAll
    static void start() {
        engine = new GenerateEngine("test-runner", TestModels.selfieSegmentation().orElse(null),
                GenerateEngine.DEFAULT_BRISQUE_DIR);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void theSecondGenerateOfAClipReusesTheAnalysisAndMakesTheSameFrames() throws Exception {
        Path work = TestClips.scratch("analysis-reuse");
        SourceAnalysisCache cache = new SourceAnalysisCache(Files.createTempDirectory(work, "cache"), SourceAnalysisCache.DEFAULT_MAX_BYTES);
        Path clip = TestClips.cupNormalised();
        EditSpec cartoon = new EditSpec("style", Map.of("style", "cartoon"), 7, "a cartoon");

        GenerateResult first = run(engine.withAnalysisCache(cache), clip, work.resolve("first"), cartoon);
        engine.awaitStored();
        GenerateResult second = run(engine.withAnalysisCache(cache), clip, work.resolve("second"), cartoon);
        GenerateResult uncached = run(engine.withAnalysisCache(null), clip, work.resolve("uncached"), cartoon);

        assertThat(analysis(first)).isEqualTo("computed");
        assertThat(cache.stores()).isEqualTo(1);
        assertThat(Files.isRegularFile(cache.file(SourceAnalysis.sha256(clip)))).isTrue();
        assertThat(analysis(second)).as("the second job of the clip loads the analysis").isEqualTo("reused");
        assertThat(cache.loads()).isEqualTo(1);
        assertThat(analysis(uncached)).isEqualTo("computed");
        assertThat(frameHashes(work.resolve("second/edited.mp4")))
                .as("the frames are the same whether the analysis was loaded or computed")
                .isEqualTo(frameHashes(work.resolve("first/edited.mp4")))
                .isEqualTo(frameHashes(work.resolve("uncached/edited.mp4")));
        assertThat(second.metrics()).isEqualTo(first.metrics());
    }

    @Test
    void theAnalysisProbeStoresIsReusedByTheFirstGenerateMasksIncluded() throws Exception {
        Path work = TestClips.scratch("analysis-probe");
        SourceAnalysisCache cache = new SourceAnalysisCache(Files.createTempDirectory(work, "cache"), SourceAnalysisCache.DEFAULT_MAX_BYTES);
        dev.ditto.runner.TestClips.RecordingSink sink = new dev.ditto.runner.TestClips.RecordingSink(work.resolve("blobs"));
        Path source = dev.ditto.runner.TestClips.cup(Files.createDirectories(work.resolve("source")));
        dev.ditto.protocol.ProbeResult probed;
        try (dev.ditto.runner.probe.ProbeDetectors detectors = dev.ditto.runner.probe.ProbeDetectors.load(
                dev.ditto.runner.models.ModelStore.locate(null, System.getenv()))) {
            dev.ditto.runner.probe.ProbeEngine probe = new dev.ditto.runner.probe.ProbeEngine(detectors,
                    dev.ditto.runner.probe.ProbeLimits.DEFAULT, "test-runner").withAnalysis(cache, engine::analyse);
            probed = probe.run(new dev.ditto.protocol.ProbePayload(1, 7, new BlobRef("k", Files.size(source),
                    "video/mp4"), "cup.mp4", VideoFormat.DITTO_DEFAULT, 2.0, 8.0), source,
                    Files.createDirectories(work.resolve("probe")), sink, Progress.NONE);
        }
        dev.ditto.protocol.ClipResult first = probed.clips().getFirst();
        Path clip = sink.file("clip-000.mp4");
        assertThat(SourceAnalysis.sha256(clip)).isEqualTo(first.video().key());
        assertThat(cache.file(first.video().key())).as("PROBE keeps the clip's analysis in the runner's cache")
                .isRegularFile();
        try (var uploaded = Files.list(work.resolve("blobs"))) {
            assertThat(uploaded.map(f -> f.getFileName().toString()))
                    .as("the analysis stays on the runner: nothing the server would not read is uploaded")
                    .noneMatch(name -> name.contains("analysis"));
        }
        assertThat(probed.timings()).containsKey("analysis");
        // background blur needs the person mask of every frame with content the key frame did not show
        EditSpec blur = new EditSpec("background_blur", Map.of("radius", 15), 3, "blur the background");

        GenerateResult reused = run(engine.withAnalysisCache(cache), clip, work.resolve("reused"), blur);
        GenerateResult computed = run(engine.withAnalysisCache(null), clip, work.resolve("computed"), blur);

        assertThat(analysis(reused)).isEqualTo("reused");
        assertThat(analysis(computed)).isEqualTo("computed");
        assertThat(frameHashes(work.resolve("reused/edited.mp4")))
                .isEqualTo(frameHashes(work.resolve("computed/edited.mp4")));
        assertThat(reused.metrics()).isEqualTo(computed.metrics());
    }

    @Test
    void aDamagedAnalysisIsComputedAgain() throws Exception {
        Path work = TestClips.scratch("analysis-damaged");
        SourceAnalysisCache cache = new SourceAnalysisCache(Files.createTempDirectory(work, "cache"), SourceAnalysisCache.DEFAULT_MAX_BYTES);
        Path clip = TestClips.cupNormalised();
        Path file = cache.file(SourceAnalysis.sha256(clip));
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        GenerateResult r = run(engine.withAnalysisCache(cache), clip, work.resolve("job"),
                new EditSpec("grade", Map.of("grade", "winter"), 1, "winter"));

        assertThat(analysis(r)).isEqualTo("computed");
        assertThat(r.metrics()).containsKey("warp_error_normalised");
        engine.awaitStored();
        assertThat(cache.load(SourceAnalysis.sha256(clip))).as("the good analysis replaced the damaged file").isNotNull();
    }

    @Test
    void aPartFoundDamagedFailsTheJobWithTheReasonAndTheRetryComputesItAgain() throws Exception {
        Path work = TestClips.scratch("analysis-damaged-part");
        SourceAnalysisCache cache = new SourceAnalysisCache(Files.createTempDirectory(work, "cache"), SourceAnalysisCache.DEFAULT_MAX_BYTES);
        Path clip = TestClips.cupNormalised();
        String key = SourceAnalysis.sha256(clip);
        cache.store(key, SourceAnalysis.compute(clip, VideoFormat.DITTO_DEFAULT));
        // bytes flipped across the flow parts: the header still reads, the parts' checksums do not match
        byte[] bytes = Files.readAllBytes(cache.file(key));
        for (int i = 1; i < 8; i++) {
            bytes[bytes.length * i / 10] ^= 0x5a;
        }
        Files.write(cache.file(key), bytes);
        EditSpec cartoon = new EditSpec("style", Map.of("style", "cartoon"), 1, "a cartoon");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> run(engine.withAnalysisCache(cache), clip, work.resolve("first"), cartoon))
                .hasStackTraceContaining("stored analysis of this clip is damaged");
        assertThat(cache.file(key)).as("the damaged file is deleted").doesNotExist();

        GenerateResult retry = run(engine.withAnalysisCache(cache), clip, work.resolve("retry"), cartoon);
        assertThat(analysis(retry)).isEqualTo("computed");
    }

    @Test
    void theStoredFormRoundTripsAndRejectsTruncation() throws Exception {
        SourceAnalysis a = SourceAnalysis.compute(TestClips.cupNormalised(), VideoFormat.DITTO_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.write(out);
        SourceAnalysis b = SourceAnalysis.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(b.fits(a.frames, a.width, a.height, a.flowWidth, a.flowHeight)).isTrue();
        for (int p = 0; p < a.frames - 1; p++) {
            for (Mat m : b.forwardMats(p)) {
                m.close();
            }
            for (Mat m : b.backwardMats(p)) {
                m.close();
            }
            assertThat(b.forward[p]).isEqualTo(a.forward[p]);
            assertThat(b.backward[p]).isEqualTo(a.backward[p]);
            assertThat(b.forwardOk[p]).isEqualTo(a.forwardOk[p]);
            assertThat(b.backwardOk[p]).isEqualTo(a.backwardOk[p]);
        }
        for (int t = 0; t < a.frames; t++) {
            b.edgesMat(t).close();
            assertThat(b.edges[t]).isEqualTo(a.edges[t]);
        }
        assertThat(b.sourceWarpError).isEqualTo(a.sourceWarpError);
        assertThat(b.sourceContrast).isEqualTo(a.sourceContrast);
        byte[] whole = out.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 100);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceAnalysis.read(new ByteArrayInputStream(cut)))
                .isInstanceOf(IOException.class);
        // a flipped byte inside a stored part: the part's checksum refuses it when a job asks for it
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 0x5a;
        SourceAnalysis damaged = SourceAnalysis.read(new ByteArrayInputStream(flipped));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int p = 0; p < a.frames - 1; p++) {
                for (Mat m : damaged.forwardMats(p)) {
                    m.close();
                }
                for (Mat m : damaged.backwardMats(p)) {
                    m.close();
                }
            }
            for (int t = 0; t < a.frames; t++) {
                damaged.edgesMat(t).close();
            }
        }).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("damaged");
    }

    @Test
    void theCacheKeepsWithinItsBoundDroppingTheLeastRecentlyUsed() throws Exception {
        Path dir = Files.createTempDirectory(TestClips.scratch("analysis-bound"), "cache");
        SourceAnalysis a = SourceAnalysis.compute(TestClips.cupNormalised(), VideoFormat.DITTO_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.write(out);
        long one = out.size();
        SourceAnalysisCache cache = new SourceAnalysisCache(dir, 2 * one + one / 2);
        String k1 = "1".repeat(64);
        String k2 = "2".repeat(64);
        String k3 = "3".repeat(64);
        cache.store(k1, a);
        cache.store(k2, a);
        Files.setLastModifiedTime(cache.file(k1), java.nio.file.attribute.FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(cache.file(k2), java.nio.file.attribute.FileTime.fromMillis(2_000));
        assertThat(cache.load(k1)).isNotNull(); // k1 is now the most recently used
        cache.store(k3, a);

        assertThat(Files.exists(cache.file(k1))).isTrue();
        assertThat(Files.exists(cache.file(k2))).as("least recently used, dropped").isFalse();
        assertThat(Files.exists(cache.file(k3))).isTrue();
    }

    private static String analysis(GenerateResult r) {
        return r.provenance().stages().stream().filter(s -> s.stage().equals("source-analysis"))
                .map(dev.ditto.protocol.Provenance.Stage::model).findFirst().orElseThrow();
    }

    private static GenerateResult run(GenerateEngine e, Path clip, Path work, EditSpec spec) throws Exception {
        GeneratePayload payload = new GeneratePayload(JobPayload.CURRENT_VERSION, 1, 1, 1,
                new BlobRef(SourceAnalysis.sha256(clip), Files.size(clip), "video/mp4"), spec.prompt(), spec,
                VideoFormat.DITTO_DEFAULT);
        ArtifactSink sink = (name, file, type) -> new BlobRef("sha-" + name, Files.size(file), type);
        return e.run(payload, clip, work, sink, Progress.NONE);
    }

    /** A hash of every decoded frame of a video. */
    private static List<String> frameHashes(Path video) throws Exception {
        List<String> hashes = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(video)) {
            for (DecodedFrame next = reader.read(); next != null; next = reader.read()) {
                try (DecodedFrame f = next) {
                    Mat m = f.image().isContinuous() ? f.image() : f.image().clone();
                    byte[] px = new byte[(int) (m.total() * m.channels())];
                    ((ByteBuffer) m.createBuffer()).get(0, px);
                    hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(px)));
                }
            }
        }
        return hashes;
    }
}
