package dev.ditto.agent.judge;

import dev.ditto.protocol.EditSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What each edit operator should do to the frames, scored 0..1 from every frame pair the judge sees (the mean over
 * the frames, so one lucky key frame cannot carry an edit that failed elsewhere): a night grade darkens, pixel art
 * makes flat blocks and a small palette, a background op changes the background and keeps the person, a recolour
 * puts its hue on the person and not on the face as well when the instruction is about clothes... Measures that need
 * the edit's mask use it where the runner sent it and fall back to whole-frame statistics where it did not.
 */
final class EditExpectations {

    /** Instructions about garments: a recolour should change clothes, not skin and hair. */
    private static final Pattern CLOTHING = Pattern.compile(
            "(?i)\\b(dress|dressed|clothes|clothing|outfit|shirts?|t-shirts?|jackets?|coats?|wear|wearing|trousers|pants|skirts?|suits?)\\b");
    /**
     * A person edit on people covering less than {@link #VISIBLE_PERSON} of the frame is hard to see in a training
     * clip (3% of 832×480 is a figure of about 70×170 px), below {@link #INVISIBLE_PERSON} not at all.
     */
    static final double VISIBLE_PERSON = 0.03;
    static final double INVISIBLE_PERSON = 0.005;
    /** Above this share of the person's skin moved into the new hue, faces and hands were tinted with the clothes. */
    static final double SKIN_TINTED = 0.5;

    /** The start of the reason when the edit's mask holds nothing in any frame (then nothing can make up for it). */
    static final String NOTHING_IN_MASK = "the edit's mask is empty in every frame";

    private EditExpectations() {}

    /** The expected minimum runner {@code edit_strength} (mean colour change, 0..1) for an operator. */
    static double expectedStrength(EditSpec edit) {
        String op = edit.op();
        Object style = edit.params().get("style");
        return switch (op) {
            // pixel art keeps the colours where they were: its mean change is small by design
            case "style" -> "pixel_art".equals(style) ? 0.012 : 0.06;
            case "grade" -> 0.04;
            case "background_replace", "person_remove" -> 0.02;
            default -> 0.01;
        };
    }

    /** Whether the runner's {@code edit_strength} says anything about this operator (mean change, not what it does). */
    static boolean strengthIsEvidence(EditSpec edit) {
        return switch (edit.op()) {
            case "style" -> !"pixel_art".equals(edit.params().get("style"));
            case "grade" -> true;
            default -> false; // local edits: the mean over the frame says how big the person is, not whether it worked
        };
    }

    /** The edge-SSIM band (floor, good) an operator should keep: styles may redraw edges, local edits must not. */
    static double[] edgeBand(String op) {
        return switch (op) {
            case "style" -> new double[] {0.15, 0.55};
            case "background_replace", "person_remove", "person_stylize", "object_remove", "object_stylize" ->
                    new double[] {0.35, 0.75};
            // falling particles draw edges of their own on every frame: fewer of the source's edges survive by design
            case "add_snowfall", "add_rain" -> new double[] {0.3, 0.65};
            default -> new double[] {0.45, 0.85};
        };
    }

    /** Whether an operator adds frame-to-frame texture on purpose (grain, falling particles). */
    static boolean addsTexture(EditSpec edit) {
        return switch (edit.op()) {
            case "grade" -> List.of("noir", "vintage_film").contains(String.valueOf(edit.params().get("grade")));
            case "add_snowfall", "add_rain" -> true;
            default -> false;
        };
    }

    /** Whether an operator is about a person (and so needs one in the mask). */
    static boolean personOp(String op) {
        return op.startsWith("person_") || op.startsWith("background_");
    }

    /**
     * Whether an operator acts on a region the runner sends as the strip mask: the person (person and background
     * ops), the named object ({@code object_*}), or where an added sign or sticker was drawn.
     */
    static boolean regionOp(String op) {
        return personOp(op) || op.startsWith("object_") || addsElement(op);
    }

    /** Whether an operator draws a new element into the scene (a sign, a sticker): its region is where it went. */
    static boolean addsElement(String op) {
        return op.equals("add_sign") || op.equals("add_sticker");
    }

    /** Whether the op's subject must be in the frame for the edit to show at all (a person, the named object). */
    private static boolean needsSubject(String op) {
        return op.startsWith("person_") || op.startsWith("object_");
    }

    /** What the op's mask holds, for reasons: "person", the named object, or "added element". */
    private static String subject(EditSpec edit) {
        if (edit.op().startsWith("object_")) {
            return String.valueOf(edit.params().getOrDefault("object", "object"));
        }
        return addsElement(edit.op()) ? "added element" : "person";
    }

    /** Whether falling particles are the edit (they move on their own: warp error cannot tell them from flicker). */
    static boolean addsParticles(String op) {
        return op.equals("add_snowfall") || op.equals("add_rain");
    }

    /** How well the change across the frames matches the edit, with the reason. */
    static Score instruction(EditSpec edit, String instruction, List<FrameView> views) {
        String op = edit.op();
        boolean maskSent = views.stream().anyMatch(v -> v.mask() != null);
        List<FrameView> withPerson = views.stream().filter(FrameView::hasMask).toList();
        if (regionOp(op) && maskSent && withPerson.isEmpty()) {
            return new Score(0, NOTHING_IN_MASK + ": there is no " + subject(edit) + " for " + op + " to act on");
        }
        if (regionOp(op) && maskSent && withPerson.size() < views.size()) {
            // measured where the mask found the subject; frames without it cannot show an edit of it
            double found = withPerson.size() / (double) views.size();
            Score s = instruction(edit, instruction, withPerson);
            return Score.clamped(s.value() * (needsSubject(op) ? found : 1),
                    fmt("the %s is in the mask in %d of %d frames; ", subject(edit), withPerson.size(), views.size())
                            + s.reason());
        }
        boolean masked = !views.isEmpty() && views.stream().allMatch(FrameView::hasMask);
        if (op.startsWith("person_") && masked) {
            double coverage = mean(views, v -> ImageStats.coverage(v.mask()));
            if (coverage < VISIBLE_PERSON) {
                Score s = instruction(edit, instruction, views, n(views));
                double visible = (coverage - INVISIBLE_PERSON) / (VISIBLE_PERSON - INVISIBLE_PERSON);
                return Score.clamped(Math.min(s.value(), visible), s.reason()
                        + fmt("; but the people cover %.1f%% of the frame (0 at <= %.1f%%, full from %.1f%%): too small for the"
                        + " edit to be seen", coverage * 100, INVISIBLE_PERSON * 100, VISIBLE_PERSON * 100));
            }
        }
        return instruction(edit, instruction, views, n(views));
    }

    private static String n(List<FrameView> views) {
        return views.size() + (views.size() == 1 ? " frame" : " frames");
    }

    private static Score instruction(EditSpec edit, String instruction, List<FrameView> views, String n) {
        Map<String, Object> p = edit.params();
        String op = edit.op();
        boolean masked = !views.isEmpty() && views.stream().allMatch(FrameView::hasMask);
        return switch (op) {
            case "grade" -> grade(String.valueOf(p.get("grade")), views, n);
            case "style" -> style(String.valueOf(p.get("style")), views, n);
            case "background_blur" -> masked ? backgroundBlurMasked(views, n) : wholeFrameBlur(views, n);
            case "background_replace" -> {
                if (!masked) {
                    yield Score.clamped(mean(views, v -> diff(v)) / 0.04,
                            fmt("frames differ by %.3f over %s (expect >= 0.04 for a new background; no mask)", mean(views, v -> diff(v)), n));
                }
                double out = mean(views, v -> ImageStats.maskedDifference(v.before(), v.after(), v.mask(), true));
                yield Score.clamped(out / 0.06, fmt("the background changed by %.3f over %s (expect >= 0.06)", out, n));
            }
            case "person_recolour", "object_recolour" -> recolour(number(p.get("hue")), instruction, views, masked, n);
            case "add_sign", "add_sticker" -> {
                if (!masked) {
                    yield Score.clamped(mean(views, v -> diff(v)) / 0.01,
                            fmt("frames differ by %.3f over %s (expect >= 0.01; no region sent)", mean(views, v -> diff(v)), n));
                }
                // the element covers part of its footprint (a star, a board on a post): a third of it fully redrawn
                double in = mean(views, v -> ImageStats.maskedDifference(v.before(), v.after(), v.mask(), false));
                yield Score.clamped(in / 0.12, fmt("the %s's region changed by %.3f over %s (expect >= 0.12 where a new"
                        + " element is drawn)", subject(edit), in, n));
            }
            case "person_stylize", "object_stylize" -> {
                if (!masked) {
                    yield Score.clamped(mean(views, v -> diff(v)) / 0.015, fmt("frames differ by %.3f over %s (no mask)", mean(views, v -> diff(v)), n));
                }
                double in = mean(views, v -> ImageStats.maskedDifference(v.before(), v.after(), v.mask(), false));
                yield Score.clamped(in / 0.06, fmt("the person changed by %.3f over %s (expect >= 0.06 for a restyle)", in, n));
            }
            case "person_remove", "object_remove" -> masked ? removeMasked(views, n)
                    : Score.clamped(mean(views, v -> diff(v)) / 0.02, fmt("frames differ by %.3f over %s (no mask)", mean(views, v -> diff(v)), n));
            case "add_snowfall" -> {
                double gain = mean(views, v -> v.after().brightSpecks - v.before().brightSpecks);
                double d = mean(views, v -> diff(v));
                yield Score.clamped(gain / 0.004 * 0.5 + d / 0.02 * 0.5,
                        fmt("bright specks +%.4f, frames differ by %.3f over %s", gain, d, n));
            }
            default -> {
                double d = mean(views, v -> diff(v));
                yield Score.clamped(d / 0.015, fmt("frames differ by %.3f over %s (expect >= 0.015)", d, n));
            }
        };
    }

    /**
     * What a local edit must keep, from the mask: a background op keeps the person, a person op keeps the
     * background. Null for whole-frame ops or without a mask.
     */
    static @Nullable Score localPreservation(EditSpec edit, List<FrameView> views) {
        String op = edit.op();
        if (!regionOp(op) || views.isEmpty() || !views.stream().allMatch(FrameView::hasMask)) {
            return null;
        }
        boolean keepPerson = op.startsWith("background_");
        double changed = mean(views, v -> ImageStats.maskedDifference(v.before(), v.after(), v.mask(), !keepPerson));
        // a soft mask edge and JPEG both move a little: 0.02 is untouched, 0.08 is clearly edited
        return Score.clamped(1 - (changed - 0.02) / 0.06, fmt("the %s changed by %.3f (1.0 at <= 0.02, 0.0 at >= 0.08)",
                keepPerson ? "person" : personOp(op) ? "background" : "scene outside the " + subject(edit), changed));
    }

    /**
     * Whether the change is the same kind of change in every frame sampled (a grade or style that comes and goes
     * flickers however small the warp error between neighbours); null for local ops and single frames.
     */
    static @Nullable Score stripConsistency(EditSpec edit, List<FrameView> views) {
        if (views.size() < 2 || regionOp(edit.op())) {
            return null;
        }
        double[] d = views.stream().mapToDouble(EditExpectations::diff).toArray();
        double m = 0;
        for (double x : d) {
            m += x;
        }
        m /= d.length;
        if (m < 0.01) {
            return null; // no edit to be inconsistent about
        }
        double var = 0;
        for (double x : d) {
            var += (x - m) * (x - m);
        }
        double cv = Math.sqrt(var / d.length) / m;
        return Score.clamped(1 - (cv - 0.25) / 0.5,
                fmt("the change varies by %.0f%% across %d frames (1.0 at <= 25%%, 0.0 at >= 75%%)", cv * 100, d.length));
    }

    /**
     * For local edits: whether the edit's region is stable across the frames sampled. A mask whose area jumps (a
     * person found in one frame, the table in the next) makes the edit come and go. Null for whole-frame ops, clips
     * without a mask or a single frame.
     */
    static @Nullable Score maskStability(EditSpec edit, List<FrameView> views) {
        if (!regionOp(edit.op()) || views.size() < 2 || views.stream().anyMatch(v -> v.mask() == null)) {
            return null;
        }
        double[] c = views.stream().mapToDouble(v -> ImageStats.coverage(v.mask())).toArray();
        double m = 0;
        for (double x : c) {
            m += x;
        }
        m /= c.length;
        if (m < FrameView.MIN_MASK_COVERAGE) {
            return null; // no region at all: instruction following says so
        }
        double var = 0;
        for (double x : c) {
            var += (x - m) * (x - m);
        }
        double cv = Math.sqrt(var / c.length) / m;
        return Score.clamped(1 - (cv - 0.4) / 0.6, fmt("the edit's region (the mask) varies in area by %.0f%% across %d frames"
                + " (1.0 at <= 40%%, 0.0 at >= 100%%)", cv * 100, c.length));
    }

    private static Score backgroundBlurMasked(List<FrameView> views, String n) {
        double drop = mean(views, v -> {
            double b = v.before().maskedSharpness(v.mask(), true);
            double a = v.after().maskedSharpness(v.mask(), true);
            return b > 0 ? 1 - a / b : 0;
        });
        return Score.clamped(drop / 0.3, fmt("background detail fell by %.0f%% over %s (expect >= 30%% for a background blur)", drop * 100, n));
    }

    private static Score wholeFrameBlur(List<FrameView> views, String n) {
        double drop = mean(views, v -> v.before().sharpness == 0 ? 0 : 1 - v.after().sharpness / v.before().sharpness);
        return Score.clamped(drop / 0.15, fmt("sharpness fell by %.0f%% over %s (expect >= 15%% for a background blur; no mask)", drop * 100, n));
    }

    private static Score recolour(double hue, String instruction, List<FrameView> views, boolean masked, String n) {
        if (!masked) {
            double gain = mean(views, v -> v.after().hueShareNear(hue, 30) - v.before().hueShareNear(hue, 30));
            return Score.clamped(gain / 0.05, fmt("share of hue %.0f° rose by %.3f over %s (expect >= 0.05; no mask)", hue, gain, n));
        }
        // the hue must change inside the mask: a brighter or darker person is not a recolour
        double tinted = mean(views, v -> ImageStats.recolourReach(v.before(), v.after(), v.mask(), hue)[0]);
        Score s = Score.clamped(tinted / 0.25, fmt("%.0f%% of the person moved into hue %.0f° over %s (expect >= 25%%)",
                tinted * 100, hue, n));
        double skin = mean(views, v -> ImageStats.recolourReach(v.before(), v.after(), v.mask(), hue)[1]);
        boolean anySkin = views.stream().anyMatch(v -> !Double.isNaN(ImageStats.recolourReach(v.before(), v.after(), v.mask(), hue)[1]));
        if (anySkin && skin >= SKIN_TINTED && CLOTHING.matcher(instruction).find()) {
            return Score.clamped(Math.min(s.value(), 0.2), s.reason() + fmt("; but %.0f%% of the person's skin moved into the new"
                    + " hue as well: skin and hair were tinted too, the instruction is about clothes", skin * 100));
        }
        return s;
    }

    private static Score removeMasked(List<FrameView> views, String n) {
        // the person's region must change, and what fills it must look like the surroundings: a smooth grey ghost has
        // neither the background's detail nor its colour
        double changed = mean(views, v -> ImageStats.maskedDifference(v.before(), v.after(), v.mask(), false));
        double detail = mean(views, v -> {
            double in = v.after().maskedSharpness(v.mask(), false);
            double out = v.after().maskedSharpness(v.mask(), true);
            return out > 0 ? in / out : 1;
        });
        double grey = mean(views, v -> {
            double in = v.after().maskedSaturation(v.mask(), false);
            double out = v.after().maskedSaturation(v.mask(), true);
            return out > 0.02 ? in / out : 1;
        });
        double fill = Math.min(detail / 0.6, grey / 0.6);
        return Score.clamped(Math.min(changed / 0.06, fill), fmt("the person's region changed by %.3f; the fill has %.0f%% of the"
                + " surroundings' detail and %.0f%% of their saturation over %s (expect a change >= 0.06 and >= 60%%)",
                changed, detail * 100, grey * 100, n));
    }

    private static Score grade(String grade, List<FrameView> views, String n) {
        double warmGain = mean(views, v -> v.after().warmth() - v.before().warmth());
        return switch (grade) {
            case "night" -> {
                double drop = mean(views, v -> v.before().meanLuma - v.after().meanLuma);
                yield Score.clamped(drop / 0.12, fmt("luma fell by %.3f over %s (expect >= 0.12 for night)", drop, n));
            }
            case "sunset", "golden_hour", "autumn" ->
                    Score.clamped(warmGain / 0.06, fmt("warmth (R-B) rose by %.3f over %s (expect >= 0.06 for %s)", warmGain, n, grade));
            case "winter", "underwater" ->
                    Score.clamped(-warmGain / 0.06, fmt("coolness (B-R) rose by %.3f over %s (expect >= 0.06 for %s)", -warmGain, n, grade));
            case "noir" -> {
                double sat = mean(views, v -> v.after().meanSaturation);
                yield Score.clamped((0.25 - sat) / 0.17, fmt("saturation is %.3f after the edit over %s (expect <= 0.08 for noir)", sat, n));
            }
            case "sepia" -> {
                double sat = mean(views, v -> v.after().meanSaturation);
                double warm = mean(views, v -> v.after().warmth());
                yield Score.clamped(Math.min((0.45 - sat) / 0.2, (warm + 0.02) / 0.06),
                        fmt("saturation %.3f, warmth %.3f after the edit over %s (expect muted and warm for sepia)", sat, warm, n));
            }
            case "cyberpunk" -> {
                double gain = mean(views, v -> (v.after().hueShareNear(300, 30) + v.after().hueShareNear(185, 20))
                        - (v.before().hueShareNear(300, 30) + v.before().hueShareNear(185, 20)));
                yield Score.clamped(gain / 0.1, fmt("magenta+cyan hue share rose by %.3f over %s (expect >= 0.1 for cyberpunk)", gain, n));
            }
            case "vintage_film" -> {
                double fade = mean(views, v -> (v.before().meanSaturation - v.after().meanSaturation) + (v.before().lumaStd - v.after().lumaStd));
                yield Score.clamped(fade / 0.04, fmt("saturation+contrast fell by %.3f over %s (expect >= 0.04 for vintage film)", fade, n));
            }
            default -> {
                double d = mean(views, v -> diff(v));
                yield Score.clamped(d / 0.04, fmt("frames differ by %.3f over %s", d, n));
            }
        };
    }

    private static Score style(String style, List<FrameView> views, String n) {
        if (style.equals("pixel_art")) {
            // pixel art is flat blocks in a small palette: its mean colour change is small by design
            double flatGain = mean(views, v -> v.after().flatShare - v.before().flatShare);
            double paletteRatio = mean(views, v -> v.before().paletteSize == 0 ? 1 : v.after().paletteSize / (double) v.before().paletteSize);
            double blocks = flatGain / 0.12;
            double palette = (1 - paletteRatio) / 0.4;
            return Score.clamped(Math.max(blocks, palette) * 0.5 + Math.min(blocks, palette) * 0.5,
                    fmt("flat-block share rose by %.3f (expect >= 0.12), palette is %.0f%% of the source's (expect <= 60%%) over %s",
                            flatGain, paletteRatio * 100, n));
        }
        double d = mean(views, v -> diff(v));
        Score changed = Score.clamped(d / 0.06, fmt("frames differ by %.3f over %s (expect >= 0.06 for a style)", d, n));
        if (style.equals("pencil_sketch")) {
            double sat = mean(views, v -> v.after().meanSaturation);
            Score grey = Score.clamped((0.2 - sat) / 0.12,
                    fmt("saturation %.3f after the edit over %s (expect <= 0.08 for a pencil sketch)", sat, n));
            // a sketch is dark strokes on light paper, not a thresholded dark mass
            double paper = mean(views, v -> v.after().lightShare);
            Score light = Score.clamped((paper - 0.2) / 0.3,
                    fmt("%.0f%% of the sketch is light paper over %s (expect >= 50%%)", paper * 100, n));
            Score worst = grey.value() < changed.value() ? grey : changed;
            return light.value() < worst.value() ? light : worst;
        }
        return changed;
    }

    private static double diff(FrameView v) {
        return ImageStats.meanAbsoluteDifference(v.before(), v.after());
    }

    /** The mean of a measure over the views, skipping NaN (a region that weighs nothing in that frame). */
    static double mean(List<FrameView> views, ToDoubleFunction<FrameView> f) {
        double sum = 0;
        int k = 0;
        for (FrameView v : views) {
            double x = f.applyAsDouble(v);
            if (!Double.isNaN(x)) {
                sum += x;
                k++;
            }
        }
        return k == 0 ? 0 : sum / k;
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : value instanceof String s ? parse(s) : 0;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
