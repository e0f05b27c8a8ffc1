package dev.ditto.runner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.media.VideoWriter;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The benchmark's independent warp check: a copy is as stable as its source, a flickering copy is not. */
class WarpCheckTest {

    @Test
    void aCopyScoresOneAndAFlickeringCopyScoresHigh() throws Exception {
        Path source = TestClips.cupNormalised();
        Path copy = TestClips.scratch("warp-check").resolve("copy.mp4");
        Path flicker = TestClips.scratch("warp-check").resolve("flicker.mp4");
        try (VideoReader r = VideoReader.open(source);
             VideoWriter same = VideoWriter.open(copy, 832, 480, 20);
             VideoWriter flickering = VideoWriter.open(flicker, 832, 480, 20)) {
            int t = 0;
            for (DecodedFrame f = r.read(); f != null; f = r.read(), t++) {
                same.write(f.image());
                try (Mat changed = new Mat()) {
                    // every other frame 25 levels brighter: the same picture, coming and going
                    f.image().convertTo(changed, -1, 1.0, t % 2 == 0 ? 0 : 25);
                    flickering.write(changed);
                }
                f.close();
            }
        }

        assertThat(WarpCheck.ratio(source, copy)).as("a re-encoded copy").isBetween(0.8, 1.25);
        assertThat(WarpCheck.ratio(source, flicker)).as("a flickering copy").isGreaterThan(2.0);
    }
}
