package dev.ditto.runner.vision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.media.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The clip embedding (the object detector's backbone features) tells a re-encoded, cropped, rescaled and brightened
 * copy of a clip from other clips, on real footage.
 */
class ClipEmbeddingTest {
    static ObjectDetector detector;

    @BeforeAll
    static void load() {
        Path model = TestModels.objectDetector().orElse(null);
        assertThat(model).as("the object detector model could not be fetched from the npm registry (@mediapipe/objectron);"
                + " run gpu-runner/fetch-models.sh and set DITTO_MODELS").isNotNull();
        detector = new ObjectDetector(model);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void aCopyAndTheSameShotAreNearAndOtherFootageIsNot() throws Exception {
        float[] cup = embedding(frames(TestClips.cup(), 0, 30, 60), false);
        float[] cupCopy = embedding(frames(TestClips.cup(), 0, 30, 60), true);
        float[] cupLater = embedding(frames(TestClips.cup(), 90, 120, 150), false);
        float[] box = embedding(frames(TestClips.box(), 0, 300, 600), false);
        float[] boxCopy = embedding(frames(TestClips.box(), 0, 300, 600), true);

        assertThat(cup).hasSize(ObjectDetector.EMBEDDING_DIMENSIONS);
        double copy = cosine(cup, cupCopy);
        double later = cosine(cup, cupLater);
        double other = cosine(cup, box);
        // measured: copy 0.996, box copy 0.989, the same shot 3 s later 0.995, the other clip 0.823
        assertThat(copy).as("a cropped, rescaled, recompressed, brighter copy").isGreaterThan(0.97);
        assertThat(cosine(box, boxCopy)).as("the same for the box clip").isGreaterThan(0.97);
        assertThat(later).as("the same shot a few seconds later").isGreaterThan(0.97);
        assertThat(other).as("different footage").isLessThan(0.9);
        assertThat(cosine(cupCopy, box)).isLessThan(0.9);
    }

    static List<Mat> frames(Path clip, int... at) throws Exception {
        List<Mat> out = new ArrayList<>();
        try (VideoReader r = VideoReader.open(clip)) {
            List<Mat> all = r.readAll(at[at.length - 1] + 1);
            for (int t : at) {
                out.add(all.get(Math.min(t, all.size() - 1)).clone());
            }
            all.forEach(Mat::close);
        }
        return out;
    }

    /** The clip's embedding; {@code copy}: of a 90% centre crop, rescaled to 640 px wide, JPEG q40, brighter. */
    static float[] embedding(List<Mat> frames, boolean copy) {
        float[] sum = new float[ObjectDetector.EMBEDDING_DIMENSIONS];
        for (Mat f : frames) {
            Mat in = f;
            if (copy) {
                int w = f.cols() * 9 / 10;
                int h = f.rows() * 9 / 10;
                try (Mat crop = new Mat(f, new Rect((f.cols() - w) / 2, (f.rows() - h) / 2, w, h)); Mat small = new Mat();
                     BytePointer jpeg = new BytePointer(); IntPointer q = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 40)) {
                    opencv_imgproc.resize(crop, small, new Size(640, 640 * h / w));
                    small.convertTo(small, -1, 1.0, 15);
                    opencv_imgcodecs.imencode(".jpg", small, jpeg, q);
                    in = opencv_imgcodecs.imdecode(new Mat(jpeg), opencv_imgcodecs.IMREAD_COLOR);
                }
            }
            float[] e = detector.analyse(in).embedding();
            for (int i = 0; i < e.length; i++) {
                sum[i] += e[i];
            }
        }
        return sum;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
