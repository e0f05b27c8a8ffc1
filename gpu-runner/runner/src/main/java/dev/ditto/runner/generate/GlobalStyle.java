package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.ADAPTIVE_THRESH_MEAN_C;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.Canny;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.adaptiveThreshold;
import static org.bytedeco.opencv.global.opencv_imgproc.bilateralFilter;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.medianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.global.opencv_ximgproc;
import org.bytedeco.opencv.global.opencv_xphoto;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/**
 * Whole-frame painterly styles from OpenCV's photo and xphoto modules plus a few classical recipes. Smoothing-heavy
 * styles run at half resolution (their look has no fine detail to lose) and are blended with the source by
 * {@code strength}.
 */
final class GlobalStyle implements EditOperator {
    /** The styles {@code EditOps.GLOBAL_STYLES} names. */
    static final List<String> NAMES = List.of(
            "stylize", "pencil_sketch", "colour_pencil", "cartoon", "oil_paint", "watercolour", "pixel_art",
            "edge_glow");

    private final String name;
    private final double strength;
    private final @Nullable Palette palette;
    /** Pixel art's block size in frame pixels (0: no blocks). */
    private final int block;

    private GlobalStyle(String name, double strength, @Nullable Palette palette, int block) {
        this.name = name;
        this.strength = strength;
        this.palette = palette;
        this.block = block;
    }

    /**
     * This pixel-art style drawn in {@code block}-pixel blocks on the frame's grid. The blocks are part of the scene
     * edit, carried by the flow with the rest of it: laid over every frame in screen space, a block whose average
     * hovered near the border between two palette colours flipped between them from frame to frame.
     */
    GlobalStyle withBlocks(int block) {
        if (palette == null) {
            throw new IllegalStateException("only pixel art has blocks");
        }
        return new GlobalStyle(name, strength, palette, block);
    }

    /** Style {@code name} at {@code strength}; pixel art fits its palette to {@code keyFrame}. */
    static GlobalStyle named(String name, double strength, Mat keyFrame, int colours) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown style '" + name + "'; known styles: " + NAMES);
        }
        return new GlobalStyle(name, strength, name.equals("pixel_art") ? Palette.fit(keyFrame, colours) : null, 0);
    }

    /** The palette pixel art snaps to, if this is pixel art. */
    @Nullable Palette palette() {
        return palette;
    }

    @Override
    public Mat apply(Mat bgr, @Nullable Mat personMask) {
        return applyAt(bgr, personMask, 0, 0, bgr.cols(), bgr.rows());
    }

    @Override
    public Mat applyAt(Mat bgr, @Nullable Mat personMask, int x, int y, int frameWidth, int frameHeight) {
        if (palette != null && block > 0) {
            Mat blocks = palette.blocks(bgr, block, x, y);
            if (strength < 1.0) {
                addWeighted(blocks, strength, bgr, 1 - strength, 0, blocks);
            }
            return blocks;
        }
        Mat styled = switch (name) {
            case "stylize" -> halfRes(bgr, (in, out) -> opencv_photo.stylization(in, out, 40f, 0.35f));
            case "pencil_sketch" -> pencil(bgr, false);
            case "colour_pencil" -> pencil(bgr, true);
            case "cartoon" -> cartoon(bgr);
            case "oil_paint" -> halfRes(bgr, (in, out) -> opencv_xphoto.oilPainting(in, out, 4, 1));
            case "watercolour" -> watercolour(bgr);
            case "pixel_art" -> palette.quantise(bgr);
            case "edge_glow" -> edgeGlow(bgr);
            default -> throw new IllegalStateException(name);
        };
        if (strength < 1.0) {
            addWeighted(styled, strength, bgr, 1 - strength, 0, styled);
        }
        return styled;
    }

    @Override
    public int margin() {
        return Math.max(32, block);
    }

    private interface Filter {
        void run(Mat in, Mat out);
    }

    private static Mat halfRes(Mat bgr, Filter filter) {
        try (Mat small = new Mat(); Mat done = new Mat();
             Size half = new Size(Math.max(1, bgr.cols() / 2), Math.max(1, bgr.rows() / 2))) {
            resize(bgr, small, half, 0, 0, INTER_AREA);
            filter.run(small, done);
            Mat out = new Mat();
            resize(done, out, bgr.size(), 0, 0, INTER_LINEAR);
            return out;
        }
    }

    /**
     * OpenCV's pencil sketch, drawn at half resolution: its strokes are then as fine as the flow's grid, which
     * carries them steadily from frame to frame (full-resolution hatching was resampled into shimmer). The shading
     * texture is light (0.015) for the same reason.
     */
    /**
     * Gaussian σ (half-resolution px) softening the pencil's strokes: the flow carries a stroke's soft edge from frame
     * to frame with little resampling error, a crisp one it shimmers (σ 0: contrast-normalised warp-error ratio 1.53 on
     * the cup clip, σ 0.8: 1.30, σ 1.6: 1.14). The sketch reads as soft pencil or charcoal.
     */
    static final double PENCIL_SOFTEN = 1.6;
    /** Share of the scene's light kept under edge glow's neon (0.5: ratio 1.58; 0.7 with soft lines: 1.13). */
    static final double GLOW_BASE = 0.7;
    /** Gaussian σ (px) softening edge glow's core lines, for the same reason as {@link #PENCIL_SOFTEN}. */
    static final double GLOW_SOFTEN = 2.0;

    private static Mat pencil(Mat bgr, boolean colour) {
        return halfRes(bgr, (in, out) -> {
            try (Mat gray = new Mat(); Mat col = new Mat()) {
                opencv_photo.pencilSketch(in, gray, col, 30f, 0.07f, 0.015f);
                if (colour) {
                    col.copyTo(out);
                } else {
                    cvtColor(gray, out, COLOR_GRAY2BGR);
                }
                // soft strokes: a stroke's edge is then resampled by the flow with less error (PENCIL_SOFTEN)
                try (Size k = new Size(0, 0)) {
                    GaussianBlur(out, out, k, PENCIL_SOFTEN);
                }
            }
        });
    }

    /** Flat colour regions (bilateral smoothing + quantisation) inked with adaptive-threshold edges. */
    private static Mat cartoon(Mat bgr) {
        Mat flat = halfRes(bgr, (in, out) -> {
            try (Mat tmp = new Mat()) {
                bilateralFilter(in, tmp, 7, 60, 7);
                bilateralFilter(tmp, out, 7, 60, 7);
            }
        });
        try (Mat lut = new Mat(1, 256, CV_8U); Mat gray = new Mat(); Mat edges = new Mat(); Mat edges3 = new Mat()) {
            ByteBuffer b = lut.createBuffer();
            for (int i = 0; i < 256; i++) {
                b.put(i, (byte) Math.min(255, (i / 32) * 32 + 16));
            }
            LUT(flat, lut, flat);
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
            // two 5×5 medians instead of one 7×7: the same clean-up before inking (PSNR 52.7 dB between the two,
            // 0.3% of ink pixels differ) at a tenth of the cost, as OpenCV's 5×5 median is a sorting network
            medianBlur(gray, gray, 5);
            medianBlur(gray, gray, 5);
            adaptiveThreshold(gray, edges, 255, ADAPTIVE_THRESH_MEAN_C, THRESH_BINARY, 9, 4);
            cvtColor(edges, edges3, COLOR_GRAY2BGR);
            bitwise_and(flat, edges3, flat);
        }
        return flat;
    }

    /** Edge-preserving washes, lighter and softer colour, pigment pooled along edges. */
    private static Mat watercolour(Mat bgr) {
        // the recursive domain-transform filter (Gastal & Oliveira 2011), σs 50, σr 0.5 of the range, 3 iterations:
        // what photo's edgePreservingFilter(RECURS_FILTER) computes (PSNR 97 dB), from ximgproc's faster code
        Mat wash = halfRes(bgr, (in, out) -> opencv_ximgproc.dtFilter(in, in, out, 50, 0.5 * 255,
                opencv_ximgproc.DTF_RF, 3));
        try (Mat gray = new Mat(); Mat edges = new Mat(); Mat soft = new Mat(); Mat darken = new Mat();
             Mat darken3 = new Mat(); Size k = new Size(5, 5)) {
            wash.convertTo(wash, CV_8UC3, 0.85, 38);
            cvtColor(wash, gray, COLOR_BGR2GRAY);
            Canny(gray, edges, 30, 90);
            GaussianBlur(edges, soft, k, 1.5);
            // 255 → keep, edges pull towards 255 - 70
            soft.convertTo(darken, CV_8U, -70.0 / 255.0, 255);
            cvtColor(darken, darken3, COLOR_GRAY2BGR);
            multiply(wash, darken3, wash, 1 / 255.0, CV_8UC3);
        }
        return wash;
    }

    /** A dimmed frame with soft neon edges that bloom. */
    private static Mat edgeGlow(Mat bgr) {
        try (Mat gray = new Mat(); Mat edges = new Mat(); Mat thick = new Mat(); Mat glow = new Mat();
             Mat neon = new Mat(); Mat tinted = new Mat(); Mat base = new Mat(); Size k = new Size(0, 0);
             Mat kernel = new Mat()) {
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
            GaussianBlur(gray, gray, new Size(5, 5), 1.2);
            Canny(gray, edges, 40, 110);
            dilate(edges, thick, kernel);
            GaussianBlur(thick, glow, k, 4);
            // the core line soft too: its sharp edges were what the flow resampled into error
            GaussianBlur(thick, thick, k, GLOW_SOFTEN);
            add(glow, thick, glow);
            cvtColor(glow, neon, COLOR_GRAY2BGR);
            // tint edges with the local source colour, saturated towards cyan-magenta neon
            bgr.convertTo(tinted, CV_8UC3, 0.6, 100);
            multiply(neon, tinted, neon, 1 / 255.0, CV_8UC3);
            // the scene stays dimmed but readable under the neon (at 0.35 the frame lost more than half its contrast,
            // which made the edges' unavoidable resampling error weigh double against the source's; GLOW_BASE)
            bgr.convertTo(base, CV_8UC3, GLOW_BASE, 0);
            Mat out = new Mat();
            add(base, neon, out);
            return out;
        }
    }

    /** A small colour palette (k-means on the key frame) that pixel art snaps every frame to. */
    static final class Palette {
        private final int[][] colours;

        private Palette(int[][] colours) {
            this.colours = colours;
        }

        static Palette fit(Mat keyFrame, int k) {
            try (Mat small = new Mat(); Size size = new Size(96, Math.max(1, 96 * keyFrame.rows() / keyFrame.cols()))) {
                resize(keyFrame, small, size, 0, 0, INTER_AREA);
                ByteBuffer px = small.createBuffer();
                int n = small.cols() * small.rows();
                int[][] pts = new int[n][3];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < 3; c++) {
                        pts[i][c] = px.get(3 * i + c) & 0xff;
                    }
                }
                return new Palette(KMeans.fit(pts, k, 12));
            }
        }

        int size() {
            return colours.length;
        }

        Mat quantise(Mat bgr) {
            Mat src = bgr.isContinuous() ? bgr : bgr.clone();
            Mat out = new Mat(bgr.rows(), bgr.cols(), CV_8UC3);
            ByteBuffer in = src.createBuffer();
            ByteBuffer o = out.createBuffer();
            int n = bgr.rows() * bgr.cols();
            for (int i = 0; i < n; i++) {
                int b = in.get(3 * i) & 0xff;
                int g = in.get(3 * i + 1) & 0xff;
                int r = in.get(3 * i + 2) & 0xff;
                int[] best = colours[KMeans.nearest(colours, b, g, r)];
                o.put(3 * i, (byte) best[0]).put(3 * i + 1, (byte) best[1]).put(3 * i + 2, (byte) best[2]);
            }
            if (src != bgr) {
                src.close();
            }
            return out;
        }

        /**
         * {@code bgr} (the part of a frame whose top-left corner is at {@code x, y}) in {@code block}-pixel blocks on
         * the frame's grid, each the palette colour nearest its average; blocks cut by the part's border average the
         * part's pixels only.
         */
        Mat blocks(Mat bgr, int block, int x, int y) {
            Mat src = bgr.isContinuous() ? bgr : bgr.clone();
            int w = bgr.cols();
            int h = bgr.rows();
            byte[] in = new byte[3 * w * h];
            ((ByteBuffer) src.createBuffer()).get(0, in);
            if (src != bgr) {
                src.close();
            }
            byte[] out = new byte[in.length];
            for (int by = Math.floorDiv(y, block) * block - y; by < h; by += block) {
                int y0 = Math.max(0, by);
                int y1 = Math.min(h, by + block);
                for (int bx = Math.floorDiv(x, block) * block - x; bx < w; bx += block) {
                    int x0 = Math.max(0, bx);
                    int x1 = Math.min(w, bx + block);
                    long b = 0;
                    long g = 0;
                    long r = 0;
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0, i = 3 * (yy * w + x0); xx < x1; xx++, i += 3) {
                            b += in[i] & 0xff;
                            g += in[i + 1] & 0xff;
                            r += in[i + 2] & 0xff;
                        }
                    }
                    long count = (long) (y1 - y0) * (x1 - x0);
                    int[] c = colours[KMeans.nearest(colours, (int) Math.round(b / (double) count),
                            (int) Math.round(g / (double) count), (int) Math.round(r / (double) count))];
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0, i = 3 * (yy * w + x0); xx < x1; xx++, i += 3) {
                            out[i] = (byte) c[0];
                            out[i + 1] = (byte) c[1];
                            out[i + 2] = (byte) c[2];
                        }
                    }
                }
            }
            Mat m = new Mat(h, w, CV_8UC3);
            ((ByteBuffer) m.createBuffer()).put(0, out);
            return m;
        }
    }
}
