package dev.ditto.agent.judge;

import dev.ditto.protocol.EditSpec;
import java.util.Locale;
import java.util.Map;

/**
 * What each edit operator should do to a key frame's statistics (a night grade darkens, a sunset warms, a blur
 * softens...), scored 0..1 from the source and edited frames.
 */
final class EditExpectations {

    private EditExpectations() {}

    /** The expected minimum runner {@code edit_strength} (mean colour change, 0..1) for an operator. */
    static double expectedStrength(String op) {
        return switch (op) {
            case "style" -> 0.06;
            case "grade" -> 0.04;
            case "background_replace", "person_remove" -> 0.02;
            default -> 0.01;
        };
    }

    /** The edge-SSIM band (floor, good) an operator should keep: styles may redraw edges, local edits must not. */
    static double[] edgeBand(String op) {
        return switch (op) {
            case "style" -> new double[] {0.15, 0.55};
            case "background_replace", "person_remove", "person_stylize" -> new double[] {0.35, 0.75};
            default -> new double[] {0.45, 0.85};
        };
    }

    /** How well the change between frames matches the edit, with the reason. */
    static Score imageEvidence(EditSpec edit, ImageStats before, ImageStats after) {
        double diff = ImageStats.meanAbsoluteDifference(before, after);
        Map<String, Object> p = edit.params();
        return switch (edit.op()) {
            case "grade" -> grade(String.valueOf(p.get("grade")), before, after, diff);
            case "style" -> style(String.valueOf(p.get("style")), before, after, diff);
            case "background_blur" -> {
                double drop = before.sharpness == 0 ? 0 : 1 - after.sharpness / before.sharpness;
                yield Score.clamped(drop / 0.15, fmt("sharpness fell by %.0f%% (expect >= 15%% for a background blur)", drop * 100));
            }
            case "person_recolour" -> {
                double hue = number(p.get("hue"));
                double gain = after.hueShareNear(hue, 30) - before.hueShareNear(hue, 30);
                yield Score.clamped(gain / 0.05, fmt("share of hue %.0f° rose by %.3f (expect >= 0.05)", hue, gain));
            }
            case "background_replace" -> {
                if (p.get("grade") instanceof String g) {
                    yield grade(g, before, after, diff);
                }
                yield Score.clamped(diff / 0.04, fmt("frames differ by %.3f (expect >= 0.04 for a new background)", diff));
            }
            case "add_snowfall" -> {
                double gain = after.brightSpecks - before.brightSpecks;
                yield Score.clamped(gain / 0.004 * 0.5 + diff / 0.02 * 0.5,
                        fmt("bright specks +%.4f, frames differ by %.3f", gain, diff));
            }
            default -> Score.clamped(diff / 0.015, fmt("frames differ by %.3f (expect >= 0.015)", diff));
        };
    }

    private static Score grade(String grade, ImageStats b, ImageStats a, double diff) {
        double warmGain = a.warmth() - b.warmth();
        return switch (grade) {
            case "night" -> {
                double drop = b.meanLuma - a.meanLuma;
                yield Score.clamped(drop / 0.12, fmt("luma fell by %.3f (expect >= 0.12 for night)", drop));
            }
            case "sunset", "golden_hour", "autumn" ->
                    Score.clamped(warmGain / 0.06, fmt("warmth (R-B) rose by %.3f (expect >= 0.06 for %s)", warmGain, grade));
            case "winter", "underwater" ->
                    Score.clamped(-warmGain / 0.06, fmt("coolness (B-R) rose by %.3f (expect >= 0.06 for %s)", -warmGain, grade));
            case "noir" -> Score.clamped((0.25 - a.meanSaturation) / 0.17,
                    fmt("saturation is %.3f after the edit (expect <= 0.08 for noir)", a.meanSaturation));
            case "sepia" -> Score.clamped(Math.min((0.45 - a.meanSaturation) / 0.2, (a.warmth() + 0.02) / 0.06),
                    fmt("saturation %.3f, warmth %.3f after the edit (expect muted and warm for sepia)", a.meanSaturation, a.warmth()));
            case "cyberpunk" -> {
                double gain = (a.hueShareNear(300, 30) + a.hueShareNear(185, 20)) - (b.hueShareNear(300, 30) + b.hueShareNear(185, 20));
                yield Score.clamped(gain / 0.1, fmt("magenta+cyan hue share rose by %.3f (expect >= 0.1 for cyberpunk)", gain));
            }
            case "vintage_film" -> {
                double fade = (b.meanSaturation - a.meanSaturation) + (b.lumaStd - a.lumaStd);
                yield Score.clamped(fade / 0.04, fmt("saturation+contrast fell by %.3f (expect >= 0.04 for vintage film)", fade));
            }
            default -> Score.clamped(diff / 0.04, fmt("frames differ by %.3f", diff));
        };
    }

    private static Score style(String style, ImageStats b, ImageStats a, double diff) {
        Score changed = Score.clamped(diff / 0.06, fmt("frames differ by %.3f (expect >= 0.06 for a style)", diff));
        if (style.equals("pencil_sketch")) {
            Score grey = Score.clamped((0.2 - a.meanSaturation) / 0.12,
                    fmt("saturation %.3f after the edit (expect <= 0.08 for a pencil sketch)", a.meanSaturation));
            return grey.value() < changed.value() ? grey : changed;
        }
        return changed;
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
