package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Where an added sign goes and how it is mounted, on still synthetic scenes (no flow: a tripod). */
class SceneOverlayTest {
    static final int W = 208;
    static final int H = 120;
    static final int FRAMES = 5;

    /** A still clip at flow resolution: the same gray frame {@code FRAMES} times, grain of ±{@code grain} levels. */
    static Mat[] stillClip(int grain, long seed) {
        Random random = new Random(seed);
        byte[] px = new byte[W * H];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (170 + (grain == 0 ? 0 : random.nextInt(2 * grain + 1) - grain));
        }
        Mat[] gray = new Mat[FRAMES];
        for (int t = 0; t < FRAMES; t++) {
            gray[t] = new Mat(H, W, opencv_core.CV_8UC1);
            ((ByteBuffer) gray[t].createBuffer()).put(0, px);
        }
        return gray;
    }

    static Mat[] zeroFlows() {
        Mat[] f = new Mat[FRAMES - 1];
        for (int p = 0; p < f.length; p++) {
            f[p] = new Mat(H, W, opencv_core.CV_32FC2, new Scalar(0, 0, 0, 0));
        }
        return f;
    }

    static SceneOverlay sign() {
        return new SceneOverlay(SceneOverlay.Kind.SIGN, "OPEN", new double[] {60, 140, 30}, 0.5, 0.4, 0.16);
    }

    @Test
    void aSignOnAPlainWallIsFixedFlatToIt() {
        SceneOverlay placed = sign().placedOnStillScene(stillClip(0, 1), zeroFlows(), zeroFlows(), null, FRAMES / 2);
        assertThat(placed.hasPost()).as("a post on a blank wall").isFalse();
    }

    @Test
    void aSignOnTexturedGroundStandsOnAPost() {
        // grain of ±12 levels: a mean gradient far above a blank wall's (a lawn, gravel)
        SceneOverlay placed = sign().placedOnStillScene(stillClip(12, 2), zeroFlows(), zeroFlows(), null, FRAMES / 2);
        assertThat(placed.hasPost()).as("a post on textured ground").isTrue();
    }

    @Test
    void theElementKeepsClearOfTheFrameEdges() {
        // preferred in the very corner: it is placed in from it, by the margin
        SceneOverlay corner = new SceneOverlay(SceneOverlay.Kind.SIGN, "OPEN", new double[] {60, 140, 30}, 0.0, 0.0,
                0.16);
        SceneOverlay placed = corner.placedOnStillScene(stillClip(0, 3), zeroFlows(), zeroFlows(), null, FRAMES / 2);
        double[] fp = placed.footprint(W / (double) H);
        assertThat(placed.anchorX() - fp[0]).as("left edge").isGreaterThanOrEqualTo(SceneOverlay.EDGE_MARGIN * H / W);
        assertThat(placed.anchorY() - fp[1]).as("top edge").isGreaterThanOrEqualTo(SceneOverlay.EDGE_MARGIN);
    }

    @Test
    void aPostIsDrawnOnlyUnderAStandingSign() {
        try (Mat canvas = new Mat(240, 416, opencv_core.CV_8UC3, new Scalar(200, 200, 200, 0));
             Mat standing = sign().onPost(true).drawOn(canvas); Mat flat = sign().onPost(false).drawOn(canvas)) {
            // the post runs down from the board's bottom edge at the centre: 0.4·240 + board height / 2 + 10 px
            int boardH = (int) Math.round(0.16 * 416) * 9 / 20;
            int y = (int) Math.round(0.4 * 240) + boardH / 2 + 10;
            int x = 208;
            assertThat(standing.ptr(y, x).get() & 0xff).as("post pixel under a standing sign").isLessThan(60);
            assertThat(flat.ptr(y, x).get() & 0xff).as("wall under a wall sign").isEqualTo(200);
        }
    }
}
