package dev.ditto.runner.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class SegmentJoinerTest {

    /** Frames of a real clip, decoded. */
    private static List<Mat> frames(int count) throws Exception {
        List<Mat> frames = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(TestClips.cupNormalised())) {
            for (DecodedFrame f = reader.read(); f != null && frames.size() < count; f = reader.read()) {
                frames.add(f.image().clone());
                f.close();
            }
        }
        return frames;
    }

    private static void write(Path file, List<Mat> frames) throws IOException {
        try (VideoWriter w = VideoWriter.open(file, 832, 480, 20)) {
            for (Mat m : frames) {
                w.write(m);
            }
        }
    }

    @Test
    void twoSegmentsBecomeOneVideoWithEveryFrameInOrderAndTheIndexFirst() throws Exception {
        List<Mat> all = frames(30);
        Path dir = TestClips.scratch("segment-joiner");
        Path head = dir.resolve("head.mp4");
        Path tail = dir.resolve("tail.mp4");
        Path joined = dir.resolve("joined.mp4");
        write(head, all.subList(0, 13));
        write(tail, all.subList(13, 30));

        assertThat(SegmentJoiner.join(List.of(head, tail), joined)).isEqualTo(30);

        // faststart: the moov box comes before the media data
        byte[] start = Files.readAllBytes(joined);
        String boxes = new String(start, 0, Math.min(start.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(boxes.indexOf("moov")).isPositive();
        try (VideoReader reader = VideoReader.open(joined)) {
            assertThat(reader.info().fps()).isEqualTo(20.0);
            List<Double> timestamps = new ArrayList<>();
            int t = 0;
            for (DecodedFrame f = reader.read(); f != null; f = reader.read(), t++) {
                timestamps.add(f.seconds());
                // the joined video shows the frame that was written at this position (up to H.264's loss)
                double nearest = Double.MAX_VALUE;
                int best = -1;
                for (int i = 0; i < all.size(); i++) {
                    double d = meanAbsDiff(f.image(), all.get(i));
                    if (d < nearest) {
                        nearest = d;
                        best = i;
                    }
                }
                assertThat(best).as("frame %d", t).isEqualTo(t);
                f.close();
            }
            assertThat(t).isEqualTo(30);
            assertThat(timestamps).isSorted().doesNotHaveDuplicates();
            assertThat(timestamps.getLast() - timestamps.getFirst()).isCloseTo(29 * 0.05, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void segmentsOfDifferentSizesAreRefused() throws Exception {
        Path dir = TestClips.scratch("segment-joiner-sizes");
        Path a = dir.resolve("a.mp4");
        Path b = dir.resolve("b.mp4");
        write(a, frames(3));
        try (VideoWriter w = VideoWriter.open(b, 640, 480, 20);
             Mat grey = new Mat(480, 640, CV_8UC3, new Scalar(128, 128, 128, 0))) {
            w.write(grey);
        }
        assertThatThrownBy(() -> SegmentJoiner.join(List.of(a, b), dir.resolve("out.mp4")))
                .isInstanceOf(IOException.class).hasMessageContaining("encoded differently");
    }

    @Test
    void aMissingSegmentIsAClearError() throws Exception {
        Path dir = TestClips.scratch("segment-joiner-missing");
        Path a = dir.resolve("a.mp4");
        write(a, frames(2));
        assertThatThrownBy(() -> SegmentJoiner.join(List.of(a, dir.resolve("gone.mp4")), dir.resolve("out.mp4")))
                .isInstanceOf(IOException.class).hasMessageContaining("gone.mp4").hasMessageContaining("missing");
    }

    private static double meanAbsDiff(Mat a, Mat b) {
        try (Mat d = new Mat(); Scalar m = org.bytedeco.opencv.global.opencv_core.mean(diff(a, b, d))) {
            return m.get(0) + m.get(1) + m.get(2);
        }
    }

    private static Mat diff(Mat a, Mat b, Mat out) {
        org.bytedeco.opencv.global.opencv_core.absdiff(a, b, out);
        return out;
    }
}
