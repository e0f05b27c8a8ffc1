package dev.ditto.runner.generate;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Splits a full-resolution frame into tiles by what a low-resolution weight field (values in 0..1, bilinearly
 * upsampled to the frame as {@code resize(INTER_LINEAR)} does) is over each tile: zero everywhere, one everywhere,
 * or anything else. A blend by that weight needs no work where it is 0 or 1 — the result is one of its inputs,
 * bit for bit — so only the mixed tiles pay for it, and a tile whose weight is 0 needs nothing of the other input.
 */
final class FieldTiles {
    /** Tile side in full-resolution pixels. */
    static final int TILE = 32;

    static final int ZERO = 0;
    static final int ONE = 1;
    static final int MIXED = 2;

    private FieldTiles() {}

    /** A run of neighbouring tiles of one row with the same kind: {@code x, y, width, height} in frame pixels. */
    record Run(int x, int y, int width, int height, int kind) {
        Rect rect() {
            return new Rect(x, y, width, height);
        }
    }

    /**
     * The runs of tiles of a {@code width}×{@code height} frame, by the kind of the upsampled {@code field}
     * ({@code w}×{@code h}) over them; every frame pixel is in exactly one run.
     */
    static List<Run> runs(float[] field, int w, int h, int width, int height) {
        double rx = w / (double) width;
        double ry = h / (double) height;
        List<Run> out = new ArrayList<>();
        for (int y0 = 0; y0 < height; y0 += TILE) {
            int y1 = Math.min(height, y0 + TILE);
            // the low-resolution rows the upsampled rows y0..y1−1 read (bilinear: two neighbours), with a row to spare
            int ly0 = clamp((int) Math.floor((y0 + 0.5) * ry - 0.5) - 1, h);
            int ly1 = clamp((int) Math.floor((y1 - 0.5) * ry - 0.5) + 2, h);
            int runStart = 0;
            int runKind = -1;
            for (int x0 = 0; x0 < width; x0 += TILE) {
                int x1 = Math.min(width, x0 + TILE);
                int lx0 = clamp((int) Math.floor((x0 + 0.5) * rx - 0.5) - 1, w);
                int lx1 = clamp((int) Math.floor((x1 - 0.5) * rx - 0.5) + 2, w);
                int kind = kind(field, w, lx0, lx1, ly0, ly1);
                if (kind != runKind) {
                    if (runKind >= 0) {
                        out.add(new Run(runStart, y0, x0 - runStart, y1 - y0, runKind));
                    }
                    runStart = x0;
                    runKind = kind;
                }
            }
            out.add(new Run(runStart, y0, width - runStart, y1 - y0, runKind));
        }
        return out;
    }

    private static int kind(float[] field, int w, int lx0, int lx1, int ly0, int ly1) {
        boolean allZero = true;
        boolean allOne = true;
        for (int y = ly0; y <= ly1; y++) {
            for (int x = lx0, i = y * w + lx0; x <= lx1; x++, i++) {
                float v = field[i];
                allZero &= v <= 0f;
                allOne &= v >= 1f;
            }
            if (!allZero && !allOne) {
                return MIXED;
            }
        }
        return allZero ? ZERO : allOne ? ONE : MIXED;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }
}
