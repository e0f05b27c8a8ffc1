package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_TOZERO;
import static org.bytedeco.opencv.global.opencv_imgproc.TM_CCOEFF_NORMED;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.matchTemplate;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Add falling snow / rain" must fall: on a clip of a still scene, whatever the edit adds beyond the (still) graded
 * scene is the weather, and from one frame to the next that layer must be the same particles moved down — snow at
 * least a pixel a frame, rain several — not particles standing still with the scene, nor fresh ones every frame.
 */
class WeatherFallsTest {
    static GenerateEngine engine;
    static Path still;

    @BeforeAll
    static void start() throws Exception {
        engine = new GenerateEngine("test-runner", null, GenerateEngine.DEFAULT_BRISQUE_DIR);
        still = stillClip(TestClips.scratch("weather-still").resolve("still.mp4"));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void snowflakesFallAtLeastAPixelAFrameAndStayTheSameFlakes() throws Exception {
        Fall fall = fall(new EditSpec("add_snowfall", Map.of("density", 0.6), 11, "add falling snow"), "snow");
        assertThat(fall.medianDown()).as("the flakes move down, px per frame").isGreaterThanOrEqualTo(1.0)
                .isLessThan(6.0);
        assertThat(fall.medianSideways()).as("snow drifts, it is not blown sideways").isLessThanOrEqualTo(2.0);
        assertThat(fall.medianMatch()).as("the next frame shows the same flakes moved (not fresh ones)")
                .isGreaterThan(0.5);
    }

    @Test
    void rainFallsSeveralPixelsAFrameAndStaysTheSameStreaks() throws Exception {
        Fall fall = fall(new EditSpec("add_rain", Map.of("density", 0.6), 12, "add rain"), "rain");
        assertThat(fall.medianDown()).as("the streaks move down, px per frame").isGreaterThanOrEqualTo(5.0);
        assertThat(fall.medianMatch()).as("the next frame shows the same streaks moved (not fresh ones)")
                .isGreaterThan(0.5);
    }

    /**
     * Per pair of neighbouring frames: the shift that best lays the weather of frame t onto frame t+1 (a particle that
     * stood still, or fresh particles every frame over the still scene, would put it at 0) and how well it matches
     * there (normalised correlation).
     */
    record Fall(double medianDown, double medianSideways, double medianMatch) {
    }

    private static Fall fall(EditSpec spec, String name) throws Exception {
        Path work = TestClips.scratch("weather-" + name);
        ArtifactSink sink = (n, file, type) -> new BlobRef("sha-" + n, Files.size(file), type);
        engine.run(GenerateEngineTest.payload(spec), still, work, sink, Progress.NONE);
        List<Mat> gray = new ArrayList<>();
        try (VideoReader reader = VideoReader.open(work.resolve("edited.mp4"))) {
            for (Mat frame : reader.readAll(1000)) {
                try (frame) {
                    Mat g = new Mat();
                    cvtColor(frame, g, COLOR_BGR2GRAY);
                    Mat f = new Mat();
                    g.convertTo(f, CV_32F);
                    g.close();
                    gray.add(f);
                }
            }
        }
        assertThat(gray).hasSize(73);
        // the scene is still, so its edited look is the per-pixel minimum over the clip (particles only add light)
        Mat scene = gray.getFirst().clone();
        for (Mat f : gray) {
            opencv_core.min(scene, f, scene);
        }
        List<Mat> layers = new ArrayList<>();
        for (Mat f : gray) {
            Mat layer = new Mat();
            // what a frame adds to the still scene, less the coding noise (a few levels)
            opencv_core.subtract(f, scene, layer);
            threshold(layer, layer, 10, 0, THRESH_TOZERO);
            layers.add(layer);
        }
        int margin = 40;
        List<Double> down = new ArrayList<>();
        List<Double> sideways = new ArrayList<>();
        List<Double> match = new ArrayList<>();
        for (int t = 0; t + 1 < layers.size(); t += 6) {
            Mat a = layers.get(t);
            Mat b = layers.get(t + 1);
            try (Rect inner = new Rect(margin, margin, a.cols() - 2 * margin, a.rows() - 2 * margin);
                 Mat template = a.apply(inner); Mat result = new Mat(); DoublePointer max = new DoublePointer(1);
                 Point at = new Point()) {
                matchTemplate(b, template, result, TM_CCOEFF_NORMED);
                minMaxLoc(result, null, max, null, at, null);
                down.add((double) (at.y() - margin));
                sideways.add((double) Math.abs(at.x() - margin));
                match.add(max.get());
            }
        }
        layers.forEach(Mat::close);
        gray.forEach(Mat::close);
        scene.close();
        return new Fall(median(down), median(sideways), median(match));
    }

    private static double median(List<Double> v) {
        List<Double> sorted = v.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** A still scene (a grey wall with a grid), 832×480, 73 frames at 20 fps. */
    private static Path stillClip(Path out) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                "color=c=0x3a4450:s=832x480:r=20,drawgrid=w=64:h=48:t=2:c=0x8890a0", "-frames:v", "73",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", out.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}
