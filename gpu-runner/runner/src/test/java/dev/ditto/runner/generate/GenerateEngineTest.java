package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.BadVideoException;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.vision.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerateEngineTest {
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
    void anAddedStickersRegionReachesTheJudgeAsTheStripMask() throws Exception {
        Path work = TestClips.scratch("sticker-job");
        dev.ditto.runner.TestClips.RecordingSink sink = new dev.ditto.runner.TestClips.RecordingSink(work.resolve("artefacts"));
        GenerateResult result = engine.run(payload(new EditSpec("add_sticker", Map.of("shape", "star", "size", 0.2), 5,
                "a yellow star sticker")), TestClips.cupNormalised(), work, sink, Progress.NONE);

        assertThat(result.frameStrips().mask()).as("the sticker's region is sent as the mask").isNotNull();
        Mat mask = org.bytedeco.opencv.global.opencv_imgcodecs.imread(sink.file("strip-mask.png").toString(),
                org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE);
        Mat edited = org.bytedeco.opencv.global.opencv_imgcodecs.imread(sink.file("strip-edited.jpg").toString());
        Mat source = org.bytedeco.opencv.global.opencv_imgcodecs.imread(sink.file("strip-source.jpg").toString());
        try (mask; edited; source; Mat diff = new Mat(); Mat inverse = new Mat()) {
            double inside = org.bytedeco.opencv.global.opencv_core.countNonZero(mask) / (double) (mask.rows() * mask.cols());
            // a 0.2-wide star: its square footprint is 0.2 × 0.2·(832/480) of the frame, about 7%
            assertThat(inside).isBetween(0.04, 0.10);
            org.bytedeco.opencv.global.opencv_core.absdiff(edited, source, diff);
            org.bytedeco.opencv.global.opencv_core.bitwise_not(mask, inverse);
            var inMean = org.bytedeco.opencv.global.opencv_core.mean(diff, mask);
            var outMean = org.bytedeco.opencv.global.opencv_core.mean(diff, inverse);
            double in = (inMean.get(0) + inMean.get(1) + inMean.get(2)) / 3;
            double out = (outMean.get(0) + outMean.get(1) + outMean.get(2)) / 3;
            assertThat(in).as("the frames changed where the mask says the sticker is").isGreaterThan(8 * out + 10);
        }
    }

    @Test
    void winterJobProducesATrainingFormatClipThatIsAsStableAsItsSource() throws Exception {
        List<String> uploaded = new CopyOnWriteArrayList<>();
        ArtifactSink sink = (name, file, type) -> {
            uploaded.add(name);
            return new BlobRef("sha-" + name, Files.size(file), type);
        };
        Path work = TestClips.scratch("winter-job");
        GenerateResult result = engine.run(payload(new EditSpec("grade", Map.of("grade", "winter"), 42, "winter")),
                TestClips.cupNormalised(), work, sink, Progress.NONE);

        try (VideoReader reader = VideoReader.open(work.resolve("edited.mp4"))) {
            assertThat(reader.info().width()).isEqualTo(832);
            assertThat(reader.info().height()).isEqualTo(480);
            List<Mat> frames = reader.readAll(1000);
            assertThat(frames).hasSize(73);
            frames.forEach(Mat::close);
        }
        assertThat(uploaded).containsExactlyInAnyOrder("edited.mp4", "edited-key-frame.jpg", "strip-source.jpg",
                "strip-edited.jpg");
        assertThat(result.frameStrips().frames()).as("four frames across the clip for the judge").containsExactly(0, 24, 48, 72);
        assertThat(result.frameStrips().mask()).as("a grade uses no person mask").isNull();
        assertThat(result.frameStrips().tileWidth()).isEqualTo(320);
        assertThat(result.editedVideo().contentType()).isEqualTo("video/mp4");
        assertThat(result.metrics()).containsKeys("warp_error", "edge_ssim", "edit_strength");
        assertThat(result.metrics().get("warp_error")).as("warp error relative to the source's").isBetween(0.2, 1.5);
        assertThat(result.metrics().get("warp_error_normalised")).as("the same, each side over its contrast").isBetween(0.2, 1.5);
        assertThat(result.metrics().get("contrast_source")).isBetween(0.05, 0.5);
        assertThat(result.metrics().get("edge_ssim")).isGreaterThan(0.7);
        assertThat(result.metrics().get("edit_strength")).isGreaterThan(0.03);
        assertThat(GenerateEngine.DEFAULT_BRISQUE_DIR.resolve("brisque_model_live.yml"))
                .as("OpenCV's BRISQUE model: apt-get install opencv-data (./ditto test installs it)").isRegularFile();
        assertThat(result.metrics()).containsKey("brisque");
        assertThat(result.timings()).containsKeys("decode", "structure-guidance", "key-frame-edit", "propagation",
                "temporal-enhancer", "encode", "metrics");
        assertThat(result.provenance().runner()).isEqualTo("test-runner");
        assertThat(result.provenance().stages()).extracting(Provenance.Stage::engine)
                .allMatch(e -> e.startsWith("builtin."));
        assertThat(result.provenance().stages()).extracting(Provenance.Stage::seed).containsOnly(42L);
    }

    @Test
    void aColourGradeIsAppliedToEveryFrameItselfNotWarpedFromTheKeyFrame() throws Exception {
        Path work = TestClips.scratch("winter-pointwise");
        GenerateResult result = engine.run(payload(new EditSpec("grade", Map.of("grade", "winter"), 7, "winter")),
                TestClips.cupNormalised(), work, (name, file, type) -> new BlobRef("sha-" + name, Files.size(file), type),
                Progress.NONE);

        assertThat(result.provenance().stages()).filteredOn(st -> st.stage().equals("propagation"))
                .extracting(Provenance.Stage::engine).containsExactly("builtin.pointwise-per-frame");
        ColourGrade winter = ColourGrade.named("winter", 1.0);
        try (VideoReader edited = VideoReader.open(work.resolve("edited.mp4"));
             VideoReader source = VideoReader.open(TestClips.cupNormalised())) {
            List<Mat> out = edited.readAll(1000);
            List<Mat> in = source.readAll(1000);
            assertThat(out).hasSameSizeAs(in);
            for (int t = 0; t < in.size(); t += 12) {
                try (Mat expected = winter.apply(in.get(t), null); Mat diff = new Mat()) {
                    org.bytedeco.opencv.global.opencv_core.absdiff(out.get(t), expected, diff);
                    double meanError = org.bytedeco.opencv.global.opencv_core.mean(diff).get(0);
                    // only the H.264 round trip separates them, at every distance from the key frame
                    assertThat(meanError).as("frame %d", t).isLessThan(4.0);
                }
            }
            out.forEach(Mat::close);
            in.forEach(Mat::close);
        }
    }

    @Test
    void aStyleIsCarriedFromTheKeyFrameThroughTheWholeClipAsOneVideo() throws Exception {
        Path work = TestClips.scratch("cartoon-job");
        EditSpec cartoon = new EditSpec("style", Map.of("style", "cartoon"), 3, "cartoon");
        GenerateResult result = engine.run(payload(cartoon), TestClips.cupNormalised(), work,
                (name, file, type) -> new BlobRef("sha-" + name, Files.size(file), type), Progress.NONE);

        assertThat(result.provenance().stages()).filteredOn(st -> st.stage().equals("propagation"))
                .extracting(Provenance.Stage::engine).containsExactly("builtin.flow-propagation");
        // the two halves were encoded apart and joined: one video, no segments left behind
        try (var files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("edited.mp4", "edited-key-frame.jpg", "strip-source.jpg", "strip-edited.jpg");
        }
        try (VideoReader edited = VideoReader.open(work.resolve("edited.mp4"));
             VideoReader source = VideoReader.open(TestClips.cupNormalised())) {
            List<Mat> out = edited.readAll(1000);
            List<Mat> in = source.readAll(1000);
            assertThat(out).hasSize(73);
            EditOperator op = EditPlans.compile(cartoon, in.get(36), 832, 480).operator();
            for (int t : new int[] {0, 36, 72}) {
                // every frame, at either end as at the key frame, looks like the style applied to its own source
                try (Mat styled = op.apply(in.get(t), null)) {
                    double toStyled = meanAbsDiff(out.get(t), styled);
                    double toSource = meanAbsDiff(out.get(t), in.get(t));
                    assertThat(toStyled).as("frame %d", t).isLessThan(0.6 * toSource);
                }
            }
            out.forEach(Mat::close);
            in.forEach(Mat::close);
        }
        assertThat(result.metrics().get("warp_error")).as("as steady as the source or steadier").isLessThan(1.2);
    }

    private static double meanAbsDiff(Mat a, Mat b) {
        try (Mat diff = new Mat()) {
            org.bytedeco.opencv.global.opencv_core.absdiff(a, b, diff);
            var m = org.bytedeco.opencv.global.opencv_core.mean(diff);
            return (m.get(0) + m.get(1) + m.get(2)) / 3;
        }
    }

    @Test
    void unknownOpFailsBeforeAnyWork() {
        assertThatThrownBy(() -> engine.run(payload(new EditSpec("melt", Map.of(), 1, "melt it")),
                TestClips.cupNormalised(), TestClips.scratch("melt"), (n, f, t) -> null, Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("melt");
    }

    @Test
    void corruptSourceIsABadVideo() throws Exception {
        Path junk = TestClips.scratch("bad-source").resolve("source.mp4");
        Files.writeString(junk, "not a video");
        assertThatThrownBy(() -> engine.run(payload(new EditSpec("grade", Map.of("grade", "noir"), 1, "noir")),
                junk, TestClips.scratch("bad-job"), (n, f, t) -> null, Progress.NONE))
                .isInstanceOf(BadVideoException.class).hasMessageContaining("source.mp4");
    }

    static GeneratePayload payload(EditSpec spec) {
        return new GeneratePayload(1, 1, 1, 1, new BlobRef("src", 1, "video/mp4"), spec.prompt(), spec,
                VideoFormat.DITTO_DEFAULT);
    }
}
