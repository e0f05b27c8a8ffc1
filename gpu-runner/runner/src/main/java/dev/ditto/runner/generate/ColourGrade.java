package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.transform;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/**
 * A colour grade as a 3×4 colour matrix (gains, cross-talk, saturation, offsets) followed by per-channel tone curves
 * (lift, gamma, contrast, split toning), blended with the source by {@code strength}. Both steps are single passes
 * of {@code cv::transform} and {@code cv::LUT}, so a grade costs about a millisecond a frame.
 */
final class ColourGrade implements EditOperator {
    /** BGR luma weights (Rec. 601). */
    private static final double[] LUMA = {0.114, 0.587, 0.299};

    private final Mat matrix;
    private final Mat curves;
    private final double strength;

    private ColourGrade(double[][] m, Curve curve, double strength) {
        this.matrix = new Mat(3, 4, CV_32F);
        FloatBuffer fb = matrix.createBuffer();
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                fb.put(r * 4 + c, (float) m[r][c]);
            }
        }
        this.curves = new Mat(1, 256, CV_8UC3);
        ByteBuffer lut = curves.createBuffer();
        for (int i = 0; i < 256; i++) {
            for (int ch = 0; ch < 3; ch++) {
                lut.put(i * 3 + ch, (byte) clamp(curve.map(i / 255.0, ch) * 255.0));
            }
        }
        this.strength = strength;
    }

    /** The grades {@code EditOps.COLOUR_GRADES} names. */
    static final List<String> NAMES = List.of(
            "sunset", "night", "winter", "autumn", "vintage_film", "noir", "sepia", "cyberpunk", "golden_hour",
            "underwater");

    /** Builds grade {@code name} at {@code strength} (0..1). */
    static ColourGrade named(String name, double strength) {
        Look l = switch (name) {
            case "sunset" -> new Look().saturation(1.2).gains(0.78, 0.92, 1.12).offsets(0, 4, 12).gamma(0.95)
                    .contrast(1.1).split(-0.02, 0.04, -0.02, 0.06);
            case "night" -> new Look().saturation(0.45).gains(0.78, 0.55, 0.45).offsets(12, 2, 0).gamma(1.45)
                    .contrast(1.1).split(0.06, 0.0, 0.02, 0.0);
            case "winter" -> new Look().saturation(0.5).gains(1.08, 1.02, 0.94).offsets(12, 6, 2).gamma(0.9)
                    .contrast(0.95);
            case "autumn" -> new Look().mix(new double[][] {{0.75, 0, 0}, {0, 0.88, 0.1}, {-0.05, 0.25, 1.05}})
                    .saturation(1.15).offsets(0, 2, 8).contrast(1.05);
            case "vintage_film" -> new Look().saturation(0.7).gains(0.85, 0.98, 1.06).lift(0.11).white(0.92)
                    .contrast(0.9).split(0.03, 0.0, -0.03, 0.03);
            case "noir" -> new Look().saturation(0.0).contrast(1.5).gamma(1.05);
            case "sepia" -> new Look().mix(new double[][] {
                    {0.131, 0.534, 0.272}, {0.168, 0.686, 0.349}, {0.189, 0.769, 0.393}}).contrast(0.95);
            case "cyberpunk" -> new Look().saturation(1.35).gains(1.15, 0.85, 1.05).contrast(1.2)
                    .split(0.08, 0.06, 0.05, 0.09);
            case "golden_hour" -> new Look().saturation(1.1).gains(0.8, 0.97, 1.1).offsets(0, 10, 18).gamma(0.85)
                    .split(-0.02, 0.05, -0.04, 0.06);
            case "underwater" -> new Look().mix(new double[][] {{1.1, 0.1, 0}, {0.1, 0.95, 0}, {0, 0.1, 0.45}})
                    .offsets(25, 10, 0).saturation(0.85).contrast(0.85);
            // internal: the dull light under rain clouds, used by add_rain (not an agent-facing grade)
            case "overcast" -> new Look().saturation(0.7).gains(1.0, 0.97, 0.92).gamma(1.15).contrast(0.9);
            default -> throw new IllegalArgumentException(
                    "unknown colour grade '" + name + "'; known grades: " + NAMES);
        };
        return new ColourGrade(l.matrix(), l.curve(), strength);
    }

    /**
     * Film grain (sigma in 8-bit levels) that grade {@code name} lays into the scene edit, 0 for none. Grain is part of
     * the key-frame edit and travels with the flow ({@link GrainedOperator}), not a fresh screen effect per frame.
     * Vintage film's grain is lighter than noir's: its faded grade takes about a third of the frame's contrast, against
     * which heavier grain (sigma 9, then 6) made the contrast-normalised warp error 1.55×, then 1.22× the source's.
     */
    static double grainSigma(String name, double strength) {
        return switch (name) {
            case "vintage_film" -> 5 * strength;
            case "noir" -> 6 * strength;
            default -> 0;
        };
    }

    /** The screen-space effects that belong to grade {@code name} (vignette), seeded by {@code seed}. */
    static List<ScreenEffect> effects(String name, double strength, long seed) {
        return switch (name) {
            case "night" -> List.of(new Vignette(0.45 * strength));
            case "vintage_film" -> List.of(new Vignette(0.35 * strength));
            case "noir" -> List.of(new Vignette(0.4 * strength));
            case "sunset", "sepia" -> List.of(new Vignette(0.2 * strength));
            default -> List.of();
        };
    }

    @Override
    public Mat apply(Mat bgr, @Nullable Mat personMask) {
        Mat out = new Mat();
        try (Mat mixed = new Mat()) {
            transform(bgr, mixed, matrix);
            LUT(mixed, curves, out);
        }
        if (strength < 1.0) {
            addWeighted(out, strength, bgr, 1 - strength, 0, out);
        }
        return out;
    }

    /** A colour matrix and tone curves: each pixel's result depends on that pixel alone. */
    @Override
    public boolean pointwise() {
        return true;
    }

    @Override
    public int margin() {
        return 0;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Per-channel tone curve, BGR channel index {@code ch}. */
    private interface Curve {
        double map(double v, int ch);
    }

    /** A readable way to write a grade: the order of the calls does not matter. */
    private static final class Look {
        private double[][] mix = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        private double saturation = 1;
        private double[] gains = {1, 1, 1};
        private double[] offsets = {0, 0, 0};
        private double lift;
        private double white = 1;
        private double gamma = 1;
        private double contrast = 1;
        /** shadow tint B, shadow tint G... as (shadowB, shadowGR, highlightR, highlightB) pushes. */
        private double[] split = {0, 0, 0, 0};

        Look mix(double[][] m) {
            mix = m;
            return this;
        }

        Look saturation(double s) {
            saturation = s;
            return this;
        }

        Look gains(double b, double g, double r) {
            gains = new double[] {b, g, r};
            return this;
        }

        Look offsets(double b, double g, double r) {
            offsets = new double[] {b, g, r};
            return this;
        }

        Look lift(double l) {
            lift = l;
            return this;
        }

        Look white(double w) {
            white = w;
            return this;
        }

        Look gamma(double g) {
            gamma = g;
            return this;
        }

        Look contrast(double c) {
            contrast = c;
            return this;
        }

        /** Shadows pushed towards blue/green, highlights towards red/blue (teal-orange, teal-magenta…). */
        Look split(double shadowBlue, double shadowGreen, double highlightRed, double highlightBlue) {
            split = new double[] {shadowBlue, shadowGreen, highlightRed, highlightBlue};
            return this;
        }

        /** gains · mix · saturation, with offsets: one 3×4 matrix in BGR order. */
        double[][] matrix() {
            double[][] sat = new double[3][3];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    sat[r][c] = (1 - saturation) * LUMA[c] + (r == c ? saturation : 0);
                }
            }
            double[][] out = new double[3][4];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double v = 0;
                    for (int k = 0; k < 3; k++) {
                        v += mix[r][k] * sat[k][c];
                    }
                    out[r][c] = gains[r] * v;
                }
                out[r][3] = offsets[r];
            }
            return out;
        }

        Curve curve() {
            return (v, ch) -> {
                double x = lift + (white - lift) * v;
                x = Math.pow(Math.max(0, x), gamma);
                x = 0.5 + (x - 0.5) * contrast;
                double shadow = (1 - v) * (1 - v);
                double highlight = v * v;
                x += switch (ch) {
                    case 0 -> split[0] * shadow + split[3] * highlight;
                    case 1 -> split[1] * shadow;
                    default -> split[2] * highlight - split[1] * shadow * 0.5;
                };
                return Math.max(0, Math.min(1, x));
            };
        }
    }

    /** For tests and provenance: the grade's parameters in words. */
    static Map<String, Object> describe(String name, double strength) {
        return Map.of("grade", name, "strength", strength);
    }
}
