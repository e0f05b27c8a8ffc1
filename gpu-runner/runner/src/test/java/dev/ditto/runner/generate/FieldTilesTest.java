package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class FieldTilesTest {
    /** A field of 0s and 1s in blobs, with a soft edge here and there, as the propagation's weights look. */
    private static float[] blobs(Random random, int w, int h) {
        float[] f = new float[w * h];
        for (int k = 0; k < 12; k++) {
            int cx = random.nextInt(w);
            int cy = random.nextInt(h);
            int r = 3 + random.nextInt(30);
            float v = random.nextInt(3) == 0 ? 0.4f : 1f;
            for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
                for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
                    f[y * w + x] = v;
                }
            }
        }
        return f;
    }

    @Test
    void theRunsCoverTheFrameOnceAndTheirKindHoldsForEveryUpsampledPixel() {
        Random random = new Random(3);
        int[][] sizes = {{416, 240, 832, 480}, {100, 60, 200, 120}, {83, 47, 250, 141}, {64, 64, 64, 64}};
        int zeros = 0;
        int ones = 0;
        for (int[] size : sizes) {
            for (int round = 0; round < 20; round++) {
                int w = size[0];
                int h = size[1];
                int width = size[2];
                int height = size[3];
                float[] field = blobs(random, w, h);
                List<FieldTiles.Run> runs = FieldTiles.runs(field, w, h, width, height);
                float[] up = new float[width * height];
                try (Mat low = new Mat(h, w, CV_32FC1); Mat full = new Mat(); Size s = new Size(width, height)) {
                    ((FloatBuffer) low.createBuffer()).put(0, field);
                    resize(low, full, s, 0, 0, INTER_LINEAR);
                    ((FloatBuffer) full.createBuffer()).get(0, up);
                }
                int[] covered = new int[width * height];
                for (FieldTiles.Run r : runs) {
                    zeros += r.kind() == FieldTiles.ZERO ? 1 : 0;
                    ones += r.kind() == FieldTiles.ONE ? 1 : 0;
                    for (int y = r.y(); y < r.y() + r.height(); y++) {
                        for (int x = r.x(); x < r.x() + r.width(); x++) {
                            covered[y * width + x]++;
                            float v = up[y * width + x];
                            if (r.kind() == FieldTiles.ZERO) {
                                assertThat(v).isEqualTo(0f);
                            } else if (r.kind() == FieldTiles.ONE) {
                                assertThat(v).isGreaterThan(0.99999f);
                            }
                        }
                    }
                }
                assertThat(covered).containsOnly(1);
            }
        }
        // the test saw both kinds that skip work, not only mixed tiles
        assertThat(zeros).isPositive();
        assertThat(ones).isPositive();
    }
}
