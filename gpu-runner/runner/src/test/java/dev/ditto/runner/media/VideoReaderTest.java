package dev.ditto.runner.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.protocol.VideoFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class VideoReaderTest {

    @Test
    void readsMetadataAndBgrFramesOfARealClip() throws Exception {
        try (VideoReader reader = VideoReader.open(TestClips.cup())) {
            VideoInfo info = reader.info();
            assertThat(info.width()).isEqualTo(640);
            assertThat(info.height()).isEqualTo(480);
            assertThat(info.codec()).isEqualTo("h264");
            assertThat(info.fps()).isBetween(26.0, 27.5);
            assertThat(info.frames()).isBetween(200, 230);
            assertThat(info.hasAudio()).isTrue();
            List<Mat> frames = reader.readAll(10);
            assertThat(frames).hasSize(10);
            assertThat(frames.getFirst().channels()).isEqualTo(3);
            assertThat(frames.getFirst().cols()).isEqualTo(640);
            frames.forEach(Mat::close);
        }
    }

    @Test
    void normalisedClipDecodesBackAs832x480With73Frames() throws Exception {
        Path clip = TestClips.cupNormalised();
        try (VideoReader reader = VideoReader.open(clip)) {
            assertThat(reader.info().width()).isEqualTo(832);
            assertThat(reader.info().height()).isEqualTo(480);
            assertThat(reader.info().fps()).isEqualTo(20.0);
            List<Mat> frames = reader.readAll(1000);
            assertThat(frames).hasSize(73);
            frames.forEach(Mat::close);
        }
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toFile())) {
            g.start();
            assertThat(g.getFormatContext().streams(g.getVideoStream()).codecpar().format())
                    .isEqualTo(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            g.stop();
        }
        byte[] head = new byte[64];
        try (var in = Files.newInputStream(clip)) {
            in.readNBytes(head, 0, head.length);
        }
        assertThat(new String(head, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("faststart puts the moov atom before mdat").contains("ftyp").doesNotContain("mdat");
        assertThat(indexOf(Files.readAllBytes(clip), "moov")).isLessThan(indexOf(Files.readAllBytes(clip), "mdat"));
    }

    @Test
    void clipShorterThanTheFormatIsRefusedWithTheReason() {
        VideoFormat long73At20 = VideoFormat.DITTO_DEFAULT;
        assertThatThrownBy(() -> {
            try (VideoReader reader = VideoReader.open(TestClips.cup())) {
                ClipNormaliser.normalise(reader, long73At20, 6.0);
            }
        }).isInstanceOf(BadVideoException.class).hasMessageContaining("too short");
    }

    @Test
    void framesOfTheFormatsSizeGoOutAsDecodedAndATickRepeatingAFrameGetsItsOwnCopy() throws Exception {
        // the normalised cup clip is 832x480 at 20 fps: at 40 fps every decoded frame fills two ticks
        VideoFormat at40 = new VideoFormat(832, 480, 73, 40);
        List<Mat> frames;
        List<Mat> decoded;
        try (VideoReader reader = VideoReader.open(TestClips.cupNormalised())) {
            frames = ClipNormaliser.normalise(reader, at40, 0);
        }
        try (VideoReader reader = VideoReader.open(TestClips.cupNormalised())) {
            decoded = reader.readAll(37);
        }
        try {
            assertThat(frames).hasSize(73);
            int repeated = -1;
            for (int i = 0; i < 73; i++) {
                // tick i (i/40 s) shows a decoded frame nearest in time: i/2 or, at a tie, (i + 1)/2
                byte[] tick = bytes(frames.get(i));
                byte[] earlier = bytes(decoded.get(i / 2));
                byte[] later = bytes(decoded.get((i + 1) / 2));
                assertThat(java.util.Arrays.equals(tick, earlier) || java.util.Arrays.equals(tick, later))
                        .as("tick %d shows decoded frame %d or %d", i, i / 2, (i + 1) / 2).isTrue();
                if (repeated < 0 && i > 0 && java.util.Arrays.equals(tick, bytes(frames.get(i - 1)))) {
                    repeated = i;
                }
            }
            assertThat(repeated).as("a decoded frame fills two ticks").isPositive();
            // overwriting one of the two ticks must leave the other as decoded
            byte[] before = bytes(frames.get(repeated));
            try (Mat grey = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                    new org.bytedeco.opencv.opencv_core.Scalar(7, 7, 7, 0))) {
                frames.get(repeated - 1).setTo(grey);
            }
            assertThat(bytes(frames.get(repeated))).isEqualTo(before);
        } finally {
            frames.forEach(Mat::close);
            decoded.forEach(Mat::close);
        }
    }

    private static byte[] bytes(Mat m) {
        byte[] b = new byte[(int) (m.total() * m.elemSize())];
        ((java.nio.ByteBuffer) m.createBuffer()).get(0, b);
        return b;
    }

    @Test
    void emptyFileIsABadVideo() throws Exception {
        Path empty = TestClips.scratch("bad").resolve("empty.mp4");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> VideoReader.open(empty))
                .isInstanceOf(BadVideoException.class).hasMessageContaining("empty.mp4").hasMessageContaining("0 bytes");
    }

    @Test
    void randomBytesAreABadVideo() throws Exception {
        Path junk = TestClips.scratch("bad").resolve("junk.mp4");
        byte[] bytes = new byte[50_000];
        new Random(7).nextBytes(bytes);
        Files.write(junk, bytes);
        assertThatThrownBy(() -> VideoReader.open(junk))
                .isInstanceOf(BadVideoException.class).hasMessageContaining("junk.mp4");
    }

    @Test
    void textFileIsABadVideo() throws Exception {
        Path text = TestClips.scratch("bad").resolve("notes.mp4");
        Files.writeString(text, "this is a shopping list, not a video\n".repeat(100));
        assertThatThrownBy(() -> VideoReader.open(text)).isInstanceOf(BadVideoException.class);
    }

    @Test
    void truncatedClipIsABadVideo() throws Exception {
        byte[] all = Files.readAllBytes(TestClips.cup());
        Path truncated = TestClips.scratch("bad").resolve("truncated.mp4");
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 3));
        assertThatThrownBy(() -> {
            try (VideoReader reader = VideoReader.open(truncated)) {
                ClipNormaliser.normalise(reader, VideoFormat.DITTO_DEFAULT, 0);
            }
        }).isInstanceOf(BadVideoException.class).hasMessageContaining("truncated.mp4");
    }

    @Test
    void audioOnlyFileIsABadVideoThatSaysSo() throws Exception {
        Path audio = TestClips.scratch("bad").resolve("audio-only.m4a");
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(TestClips.cup().toFile())) {
            g.start();
            try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(audio.toFile(), g.getAudioChannels())) {
                r.setFormat("mp4");
                r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                r.setSampleRate(g.getSampleRate());
                r.start();
                Frame f;
                int n = 0;
                while ((f = g.grabSamples()) != null && n++ < 100) {
                    r.record(f);
                }
                r.stop();
            }
            g.stop();
        }
        assertThatThrownBy(() -> VideoReader.open(audio))
                .isInstanceOf(BadVideoException.class).hasMessageContaining("only audio");
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return Integer.MAX_VALUE;
    }

}
