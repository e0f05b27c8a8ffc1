package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_imgproc.blendLinear;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.merge;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_photo.INPAINT_TELEA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import java.nio.ByteBuffer;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/** Edits steered by the person mask: blur, replace or restyle the background; recolour, restyle or remove people. */
final class LocalEdit {
    private LocalEdit() {}

    /** {@code out = mask·person + (1 − mask)·background}, with a soft 8-bit mask. */
    static Mat composite(Mat person, Mat background, Mat mask) {
        // one pass of blendLinear (weights a and 1 − a, which sum to one) instead of float images per channel
        try (Mat a = new Mat(); Mat inv = new Mat()) {
            mask.convertTo(a, CV_32F, 1 / 255.0, 0);
            mask.convertTo(inv, CV_32F, -1 / 255.0, 1);
            Mat out = new Mat();
            blendLinear(person, background, a, inv, out);
            return out;
        }
    }

    /** Keeps people sharp and blurs everything else with a Gaussian of the given radius. */
    static EditOperator backgroundBlur(double radius) {
        return new MaskedOperator(Math.max(8, (int) Math.ceil(radius * 2))) {
            @Override
            Mat edit(Mat bgr, Mat mask) {
                try (Mat small = new Mat(); Mat blurred = new Mat(); Mat back = new Mat();
                     Size half = new Size(Math.max(1, bgr.cols() / 2), Math.max(1, bgr.rows() / 2));
                     Size auto = new Size(0, 0)) {
                    resize(bgr, small, half, 0, 0, INTER_AREA);
                    GaussianBlur(small, blurred, auto, Math.max(0.5, radius / 4.0));
                    resize(blurred, back, bgr.size(), 0, 0, INTER_LINEAR);
                    return composite(bgr, back, mask);
                }
            }
        };
    }

    /** Keeps people and puts {@code background} (an operator over the same frame) behind them. */
    static EditOperator backgroundReplace(EditOperator background) {
        return new MaskedOperator(background.margin()) {
            @Override
            Mat edit(Mat bgr, Mat mask) {
                try (Mat back = background.apply(bgr, mask)) {
                    return composite(bgr, back, mask);
                }
            }
        };
    }

    /** A flat colour, as an operator that ignores its input's content. */
    static EditOperator solidColour(String hex) {
        if (!hex.matches("#[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("background_replace: colour must be #rrggbb, got '" + hex + "'");
        }
        int rgb = Integer.parseInt(hex.substring(1), 16);
        double r = (rgb >> 16) & 0xff;
        double g = (rgb >> 8) & 0xff;
        double b = rgb & 0xff;
        return (bgr, mask) -> new Mat(bgr.rows(), bgr.cols(), CV_8UC3, new Scalar(b, g, r, 0));
    }

    /** Applies {@code style} to people only. */
    static EditOperator personStylize(EditOperator style) {
        return new MaskedOperator(style.margin()) {
            @Override
            Mat edit(Mat bgr, Mat mask) {
                try (Mat styled = style.apply(bgr, mask)) {
                    return composite(styled, bgr, mask);
                }
            }
        };
    }

    /** {@code #rrggbb} as B, G, R levels; {@code op} names the edit in the message. */
    static double[] hexToBgr(String op, String hex) {
        if (!hex.matches("#[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException(op + ": colour must be #rrggbb, got '" + hex + "'");
        }
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return new double[] {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff};
    }

    /** People recoloured: their clothing, never their skin (see {@link #recolour}). */
    static EditOperator personRecolour(double hueDegrees, double strength) {
        return recolour(hueDegrees, strength, true);
    }

    /**
     * Turns the masked pixels' hue to {@code hueDegrees}, lifting grey surfaces' saturation enough to carry colour.
     * With {@code clothingOnly} (people), skin-toned pixels (YCrCb Cr 135..175, Cb 80..130, the usual skin cluster:
     * faces, hands, arms) and very dark pixels in the mask's top fifth (hair) are left alone, so "dress them in
     * yellow" recolours clothes rather than faces and hair.
     */
    static EditOperator recolour(double hueDegrees, double strength, boolean clothingOnly) {
        int hue = (int) Math.round(((hueDegrees % 360) + 360) % 360 / 2.0);
        return new MaskedOperator(0) {
            @Override
            Mat edit(Mat bgr, Mat mask) {
                try (Mat hsv = new Mat(); MatVector ch = new MatVector(); Mat recoloured = new Mat();
                     Mat blendMask = new Mat(); Mat keep = clothingOnly ? clothingMask(bgr, mask) : mask.clone()) {
                    cvtColor(bgr, hsv, COLOR_BGR2HSV);
                    split(hsv, ch);
                    Mat h = ch.get(0);
                    Mat s = ch.get(1);
                    h.put(new Scalar(hue));
                    ByteBuffer sb = s.createBuffer();
                    for (int i = 0, n = s.cols() * s.rows(); i < n; i++) {
                        int v = sb.get(i) & 0xff;
                        sb.put(i, (byte) Math.min(255, 110 + v * 145 / 255));
                    }
                    merge(ch, hsv);
                    cvtColor(hsv, recoloured, COLOR_HSV2BGR);
                    keep.convertTo(blendMask, CV_8U, strength, 0);
                    return composite(recoloured, bgr, blendMask);
                }
            }
        };
    }

    /** The person mask without skin-toned pixels and without the dark hair at the top of each person. */
    static Mat clothingMask(Mat bgr, Mat mask) {
        Mat out = mask.clone();
        try (Mat ycc = new Mat(); Mat hsv = new Mat()) {
            cvtColor(bgr, ycc, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb);
            cvtColor(bgr, hsv, COLOR_BGR2HSV);
            int w = bgr.cols();
            int h = bgr.rows();
            ByteBuffer m = out.createBuffer();
            ByteBuffer y = ycc.createBuffer();
            ByteBuffer v = hsv.createBuffer();
            // the top of the mask, row by row: the first fifth of the person's height holds head and hair
            int top = -1;
            int bottom = -1;
            for (int r = 0; r < h && top < 0; r++) {
                for (int c = 0; c < w; c++) {
                    if ((m.get(r * w + c) & 0xff) > 128) {
                        top = r;
                        break;
                    }
                }
            }
            for (int r = h - 1; r >= 0 && bottom < 0; r--) {
                for (int c = 0; c < w; c++) {
                    if ((m.get(r * w + c) & 0xff) > 128) {
                        bottom = r;
                        break;
                    }
                }
            }
            int hairRows = top < 0 ? 0 : top + (bottom - top) / 5;
            for (int i = 0, n = w * h; i < n; i++) {
                int cr = y.get(3 * i + 1) & 0xff;
                int cb = y.get(3 * i + 2) & 0xff;
                boolean skin = cr >= 135 && cr <= 175 && cb >= 80 && cb <= 130;
                boolean hair = i / w < hairRows && (v.get(3 * i + 2) & 0xff) < 70;
                if (skin || hair) {
                    m.put(i, (byte) 0);
                }
            }
        }
        return out;
    }

    /** Fills people with what surrounds them (Telea inpainting at half resolution over a dilated mask). */
    static EditOperator personRemove() {
        return new MaskedOperator(48) {
            @Override
            Mat edit(Mat bgr, Mat mask) {
                try (Mat grown = grownPersonMask(mask); Mat hard = new Mat(); Mat small = new Mat();
                     Mat smallMask = new Mat(); Mat filled = new Mat(); Mat up = new Mat();
                     Size half = new Size(Math.max(1, bgr.cols() / 2), Math.max(1, bgr.rows() / 2))) {
                    threshold(grown, hard, 1, 255, THRESH_BINARY);
                    resize(bgr, small, half, 0, 0, INTER_AREA);
                    resize(hard, smallMask, half, 0, 0, INTER_LINEAR);
                    threshold(smallMask, smallMask, 1, 255, THRESH_BINARY);
                    opencv_photo.inpaint(small, smallMask, filled, 5, INPAINT_TELEA);
                    resize(filled, up, bgr.size(), 0, 0, INTER_LINEAR);
                    return composite(up, bgr, grown);
                }
            }
        };
    }

    /** The person mask thresholded, grown by ~6 px (hair, motion blur, shadows at the edge) and feathered. */
    static Mat grownPersonMask(Mat mask) {
        Mat soft = new Mat();
        try (Mat hard = new Mat(); Mat grown = new Mat(); Mat kernel = new Mat(); Size k = new Size(9, 9);
             org.bytedeco.opencv.opencv_core.Point anchor = new org.bytedeco.opencv.opencv_core.Point(-1, -1);
             Scalar zero = new Scalar(0.0)) {
            threshold(mask, hard, 64, 255, THRESH_BINARY);
            dilate(hard, grown, kernel, anchor, 6, 0, zero);
            GaussianBlur(grown, soft, k, 0);
        }
        return soft;
    }

    /** Base for operators that need the person mask; refuses to run without one. */
    abstract static class MaskedOperator implements EditOperator {
        private final int margin;

        MaskedOperator(int margin) {
            this.margin = margin;
        }

        abstract Mat edit(Mat bgr, Mat mask);

        @Override
        public final Mat apply(Mat bgr, @Nullable Mat personMask) {
            if (personMask == null) {
                throw new IllegalStateException("a person-mask operator ran without a mask");
            }
            return edit(bgr, personMask);
        }

        @Override
        public final boolean needsMask() {
            return true;
        }

        @Override
        public final int margin() {
            return margin;
        }
    }
}
