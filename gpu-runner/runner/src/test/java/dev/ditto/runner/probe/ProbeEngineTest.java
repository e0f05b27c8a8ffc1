package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.BadInputException;
import dev.ditto.runner.Progress;
import dev.ditto.runner.TestClips;
import dev.ditto.runner.media.BadVideoException;
import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.media.VideoWriter;
import dev.ditto.runner.models.ModelStore;
import dev.ditto.runner.models.ScoreProvenance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeEngineTest {
    @TempDir
    static Path shared;

    static ProbeDetectors detectors;
    static ProbeEngine engine;
    static ProbeResult cupResult;
    static TestClips.RecordingSink cupSink;

    @BeforeAll
    static void probeTheCupClipOnce() throws Exception {
        detectors = ProbeDetectors.load(ModelStore.locate(null, System.getenv()));
        engine = new ProbeEngine(detectors, ProbeLimits.DEFAULT, "test-runner");
        Path cup = TestClips.cup(shared);
        cupSink = new TestClips.RecordingSink(shared.resolve("artefacts"));
        Path work = Files.createDirectories(shared.resolve("work"));
        cupResult = engine.run(payload(cup, "cup.mp4"), cup, work, cupSink, Progress.NONE);
    }

    @AfterAll
    static void closeDetectors() {
        detectors.close();
    }

    @Test
    void sourceMetadataIsReadFromTheStream() {
        assertThat(cupResult.width()).isEqualTo(640);
        assertThat(cupResult.height()).isEqualTo(480);
        assertThat(cupResult.codec()).isEqualTo("h264");
        assertThat(cupResult.fps()).isBetween(10.0, 61.0);
        assertThat(cupResult.durationSeconds()).isBetween(7.0, 9.5);
    }

    @Test
    void everyClipDecodesBackAsExactly832x480With73FramesAt20Fps() throws Exception {
        assertThat(cupResult.clips()).isNotEmpty();
        for (ClipResult clip : cupResult.clips()) {
            Path video = cupSink.file(String.format("clip-%03d.mp4", clip.index()));
            try (VideoReader reader = VideoReader.open(video)) {
                assertThat(reader.info().width()).isEqualTo(832);
                assertThat(reader.info().height()).isEqualTo(480);
                assertThat(reader.info().fps()).isEqualTo(20.0);
                assertThat(reader.info().codec()).isEqualTo("h264");
                int frames = 0;
                for (DecodedFrame f = reader.read(); f != null; f = reader.read()) {
                    f.close();
                    frames++;
                }
                assertThat(frames).isEqualTo(73);
            }
            assertThat(clip.endSeconds() - clip.startSeconds()).isCloseTo(3.65, org.assertj.core.data.Offset.offset(0.01));
            assertThat(clip.startSeconds()).isGreaterThanOrEqualTo(0);
            assertThat(clip.endSeconds()).isLessThanOrEqualTo(cupResult.durationSeconds() + 0.01);
        }
    }

    @Test
    void clipsAreFaststartMp4s() throws IOException {
        Path video = cupSink.file("clip-000.mp4");
        byte[] head = new byte[64 * 1024];
        try (var in = Files.newInputStream(video)) {
            int n = in.readNBytes(head, 0, head.length);
            String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text.indexOf("moov")).as("moov atom before mdat (faststart)").isLessThan(text.indexOf("mdat"));
            assertThat(text.indexOf("moov")).isPositive();
        }
    }

    @Test
    void keyFrameAndThumbnailAreJpegsOfTheClipAndAQuarterOfIt() {
        ClipResult clip = cupResult.clips().getFirst();
        assertThat(clip.keyFrame().contentType()).isEqualTo("image/jpeg");
        try (Mat key = imread(cupSink.file("clip-000-key.jpg").toString());
             Mat thumb = imread(cupSink.file("clip-000-thumb.jpg").toString())) {
            assertThat(key.cols()).isEqualTo(832);
            assertThat(key.rows()).isEqualTo(480);
            assertThat(thumb.cols()).isEqualTo(208);
            assertThat(thumb.rows()).isEqualTo(120);
        }
    }

    @Test
    void artefactReferencesAreTheUploadedBlobs() {
        ClipResult clip = cupResult.clips().getFirst();
        assertThat(clip.video().contentType()).isEqualTo("video/mp4");
        assertThat(clip.video().key()).matches("[0-9a-f]{64}");
        assertThat(clip.video().size()).isPositive();
        assertThat(cupSink.stored()).hasSize((3 + ProbeEngine.CAPTION_FRAMES) * cupResult.clips().size());
    }

    @Test
    void captionFramesAreHalfSizeJpegsSpreadAcrossTheClip() {
        ClipResult clip = cupResult.clips().getFirst();
        assertThat(clip.keyFrames()).hasSize(ProbeEngine.CAPTION_FRAMES)
                .allMatch(b -> b.contentType().equals("image/jpeg") && b.key().matches("[0-9a-f]{64}"));
        assertThat(clip.keyFrames()).extracting(b -> b.key()).doesNotHaveDuplicates();
        try (Mat first = imread(cupSink.file("clip-000-caption-0.jpg").toString())) {
            assertThat(first.cols()).isEqualTo(416);
            assertThat(first.rows()).isEqualTo(240);
        }
        assertThat(ProbeEngine.captionFrameIndex(0, 73)).isEqualTo(9);
        assertThat(ProbeEngine.captionFrameIndex(3, 73)).isEqualTo(63);
    }

    @Test
    void scoresArePresentAndSane() {
        ClipResult clip = cupResult.clips().getFirst();
        Map<String, Double> s = clip.scores();
        assertThat(s.get("motion")).as("a hand rotating a cup moves").isGreaterThan(0.05).isLessThan(60.0);
        assertThat(clip.perceptualHash()).matches("[0-9a-f]{16}");
        for (Provenance.Stage stage : cupResult.provenance().stages()) {
            if (List.of("people", "faces", "text_overlay", "brisque").contains(stage.stage())) {
                boolean produced = !stage.engine().equals(ScoreProvenance.ABSENT);
                assertThat(s.containsKey(stage.stage())).as(stage.stage() + " present iff its model was").isEqualTo(produced);
            }
        }
        Optional.ofNullable(s.get("brisque")).ifPresent(b -> assertThat(b).isBetween(0.0, 150.0));
        Optional.ofNullable(s.get("people")).ifPresent(p -> assertThat(p).isBetween(0.0, 1.0));
        Optional.ofNullable(s.get("faces")).ifPresent(f -> assertThat(f).isBetween(0.0, 20.0));
        Optional.ofNullable(s.get("text_overlay")).ifPresent(t -> assertThat(t).isBetween(0.0, 1.0));
    }

    @Test
    void provenanceNamesTheEngineOfEveryScore() {
        Map<String, Provenance.Stage> byStage = cupResult.provenance().stages().stream()
                .collect(Collectors.toMap(Provenance.Stage::stage, st -> st));
        assertThat(byStage).containsKeys("decode", "scene-detect", "normalise", "motion", "phash", "brisque", "people",
                "faces", "text_overlay");
        assertThat(byStage.get("motion").engine()).isEqualTo("opencv-dis");
        assertThat(cupResult.provenance().runner()).isEqualTo("test-runner");
        assertThat(cupResult.timings()).containsKeys("scene-detect", "normalise", "encode", "motion");
    }

    @Test
    void zeroByteFileFailsWithClearNonRetryableError() throws IOException {
        Path empty = Files.createFile(shared.resolve("empty.mp4"));
        assertThatThrownBy(() -> probe(empty))
                .isInstanceOf(BadVideoException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void textFileFailsWithClearNonRetryableError() throws IOException {
        Path text = Files.writeString(shared.resolve("notes.mp4"), "these are meeting notes, not a video\n".repeat(50));
        assertThatThrownBy(() -> probe(text))
                .isInstanceOf(BadVideoException.class)
                .hasMessageContaining("not a readable video");
    }

    @Test
    void corruptFileFailsWithClearNonRetryableError() throws IOException {
        byte[] bytes = Files.readAllBytes(TestClips.cup(shared));
        Path truncated = Files.write(shared.resolve("truncated.mp4"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> probe(truncated))
                .isInstanceOfAny(BadVideoException.class, BadInputException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void audioOnlyFileFailsWithClearNonRetryableError() throws IOException {
        Path wav = shared.resolve("tone.wav");
        Files.write(wav, sineWave(16_000, 2.0));
        assertThatThrownBy(() -> probe(wav))
                .isInstanceOf(BadVideoException.class)
                .hasMessageContaining("only audio");
    }

    @Test
    void sourceShorterThanOneClipFailsWithClearNonRetryableError() throws Exception {
        Path shortClip = shared.resolve("short.mp4");
        copyFrames(TestClips.cup(shared), shortClip, 30, null);
        assertThatThrownBy(() -> probe(shortClip))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("lasts 1.")
                .hasMessageContaining("needs 3.65 s");
    }

    @Test
    void oddResolutionFailsWithClearNonRetryableError() throws Exception {
        Path sliver = shared.resolve("sliver.mp4");
        copyFrames(TestClips.cup(shared), sliver, 10, new Rect(0, 200, 640, 40));
        assertThatThrownBy(() -> probe(sliver))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("640x40");
    }

    @Test
    void sourceOverTheLengthLimitFailsWithClearNonRetryableError() throws Exception {
        ProbeEngine strict = new ProbeEngine(detectors, new ProbeLimits(5, 64, 4.0, 200), "test-runner");
        Path cup = TestClips.cup(shared);
        Path work = Files.createDirectories(shared.resolve("too-long"));
        assertThatThrownBy(() -> strict.run(payload(cup, "cup.mp4"), cup, work,
                new TestClips.RecordingSink(work.resolve("out")), Progress.NONE))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("over the 5 s limit");
    }

    private static void probe(Path file) throws Exception {
        Path work = Files.createDirectories(shared.resolve("bad-" + file.getFileName()));
        engine.run(payload(file, file.getFileName().toString()), file, work,
                new TestClips.RecordingSink(work.resolve("out")), Progress.NONE);
    }

    private static ProbePayload payload(Path file, String name) throws IOException {
        return new ProbePayload(1, 7, new BlobRef("k", Files.size(file), "video/mp4"), name, VideoFormat.DITTO_DEFAULT,
                2.0, 8.0);
    }

    /** Re-encodes the first {@code frames} frames of a real clip (optionally cropped) at 20 fps. */
    private static void copyFrames(Path from, Path to, int frames, Rect crop) throws IOException {
        try (VideoReader reader = VideoReader.open(from)) {
            List<Mat> read = reader.readAll(frames);
            Mat first = crop == null ? read.getFirst() : read.getFirst().apply(crop);
            try (VideoWriter writer = VideoWriter.open(to, first.cols(), first.rows(), 20)) {
                for (Mat m : read) {
                    Mat frame = crop == null ? m : m.apply(crop).clone();
                    writer.write(frame);
                }
            } finally {
                read.forEach(Mat::close);
            }
        }
    }

    private static byte[] sineWave(int rate, double seconds) {
        int samples = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        }
        return b.array();
    }
}
