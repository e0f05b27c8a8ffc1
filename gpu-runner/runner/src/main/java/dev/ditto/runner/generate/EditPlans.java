package dev.ditto.runner.generate;

import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.EditSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;

/** Compiles an {@link EditSpec} into an {@link EditPlan}, refusing unknown ops and bad parameters by name. */
final class EditPlans {
    private EditPlans() {}

    /** Checks {@code spec} without running anything; throws {@link IllegalArgumentException} naming the problem. */
    static void validate(EditSpec spec) {
        try (Mat probe = new Mat(16, 16, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(128.0, 128.0, 128.0, 0.0))) {
            compile(spec, probe, 16, 16);
        }
    }

    /** The plan for {@code spec}; {@code keyFrame} fits data-driven parts (pixel art's palette). */
    static EditPlan compile(EditSpec spec, Mat keyFrame, int width, int height) {
        String op = spec.op();
        if (!EditOps.isKnown(op)) {
            throw new IllegalArgumentException("unknown edit op '" + op + "'; known ops: style "
                    + EditOps.GLOBAL_STYLES + ", grade " + EditOps.COLOUR_GRADES + ", " + EditOps.LOCAL_OPS);
        }
        Params p = new Params(op, spec.params());
        List<ScreenEffect> effects = new ArrayList<>();
        EditPlan plan = switch (op) {
            case "style" -> {
                p.allow("style", "strength", "block", "colours");
                String style = p.choice("style", EditOps.GLOBAL_STYLES);
                GlobalStyle s = GlobalStyle.named(style, p.number("strength", 1.0, 0, 1), keyFrame,
                        (int) p.number("colours", 16, 2, 64));
                if (s.palette() != null) {
                    // pixel art's blocks are drawn into the scene edit on the frame's grid
                    s = s.withBlocks((int) p.number("block", 8, 2, 64));
                }
                yield new EditPlan("style " + style, s, EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "grade" -> {
                p.allow("grade", "strength");
                String grade = p.choice("grade", EditOps.COLOUR_GRADES);
                double strength = p.number("strength", 1.0, 0, 1);
                effects.addAll(ColourGrade.effects(grade, strength, spec.seed()));
                double grain = ColourGrade.grainSigma(grade, strength);
                EditOperator graded = ColourGrade.named(grade, strength);
                yield new EditPlan("grade " + grade + (grain > 0 ? " + flow-carried grain" : ""),
                        grain > 0 ? new GrainedOperator(graded, grain, spec.seed()) : graded,
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "background_blur" -> {
                p.allow("radius");
                double radius = p.number("radius", 15, 1, 100);
                yield new EditPlan("background_blur radius " + radius, LocalEdit.backgroundBlur(radius),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "background_replace" -> {
                p.allow("colour", "grade", "style");
                int given = (p.has("colour") ? 1 : 0) + (p.has("grade") ? 1 : 0) + (p.has("style") ? 1 : 0);
                if (given != 1) {
                    throw new IllegalArgumentException(
                            "background_replace needs exactly one of params colour, grade or style; got " + given);
                }
                EditOperator back;
                String what;
                if (p.has("colour")) {
                    what = p.text("colour");
                    back = LocalEdit.solidColour(what);
                } else if (p.has("grade")) {
                    what = p.choice("grade", EditOps.COLOUR_GRADES);
                    back = ColourGrade.named(what, 1.0);
                } else {
                    what = p.choice("style", EditOps.GLOBAL_STYLES);
                    GlobalStyle s = GlobalStyle.named(what, 1.0, keyFrame, 16);
                    back = s;
                }
                yield new EditPlan("background_replace " + what, LocalEdit.backgroundReplace(back),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "person_recolour" -> {
                p.allow("hue", "strength");
                double hue = p.number("hue", Double.NaN, 0, 360);
                yield new EditPlan("person_recolour hue " + hue,
                        LocalEdit.recolour(hue, p.number("strength", 0.8, 0, 1), true),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "person_stylize" -> {
                p.allow("style");
                String style = p.choice("style", EditOps.GLOBAL_STYLES);
                yield new EditPlan("person_stylize " + style,
                        LocalEdit.personStylize(GlobalStyle.named(style, 1.0, keyFrame, 16)),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "person_remove" -> {
                p.allow();
                yield new EditPlan("person_remove", LocalEdit.personRemove(), EditPlan.Propagation.BACKGROUND_FILL,
                        effects);
            }
            case "add_snowfall", "add_rain" -> {
                p.allow("density");
                boolean snow = op.equals("add_snowfall");
                double density = p.number("density", 0.5, 0, 1);
                // the grade is part of the scene edit; the particles fall in screen space over every frame
                effects.add(new Precipitation(snow, density, spec.seed(), width, height));
                yield new EditPlan(op + " density " + density,
                        ColourGrade.named(snow ? "winter" : "overcast", 0.3 + 0.3 * density),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            case "object_recolour" -> {
                p.allow("object", "hue", "strength");
                String object = p.choice("object", EditOps.OBJECT_CLASSES);
                double hue = p.number("hue", Double.NaN, 0, 360);
                yield new EditPlan("object_recolour " + object + " hue " + hue,
                        LocalEdit.recolour(hue, p.number("strength", 0.85, 0, 1), object.equals("person")),
                        EditPlan.Propagation.SCENE_FLOW, effects, object);
            }
            case "object_stylize" -> {
                p.allow("object", "style");
                String object = p.choice("object", EditOps.OBJECT_CLASSES);
                String style = p.choice("style", EditOps.GLOBAL_STYLES);
                yield new EditPlan("object_stylize " + object + " " + style,
                        LocalEdit.personStylize(GlobalStyle.named(style, 1.0, keyFrame, 16)),
                        EditPlan.Propagation.SCENE_FLOW, effects, object);
            }
            case "object_remove" -> {
                p.allow("object");
                String object = p.choice("object", EditOps.OBJECT_CLASSES);
                yield new EditPlan("object_remove " + object, LocalEdit.personRemove(),
                        EditPlan.Propagation.BACKGROUND_FILL, effects, object);
            }
            case "add_sign", "add_sticker" -> {
                boolean sign = op.equals("add_sign");
                p.allow(sign ? "text" : "shape", "colour", "x", "y", "size");
                String text = "";
                SceneOverlay.Kind kind = SceneOverlay.Kind.SIGN;
                if (sign) {
                    text = p.text("text");
                    if (text.length() > 24 || !text.matches("[\\x20-\\x7E]+")) {
                        throw new IllegalArgumentException(
                                "add_sign: param 'text' must be 1..24 printable ASCII characters, got '" + text + "'");
                    }
                } else {
                    kind = SceneOverlay.Kind.valueOf(p.choice("shape", EditOps.STICKER_SHAPES)
                            .toUpperCase(java.util.Locale.ROOT));
                }
                double[] colour = p.has("colour") ? LocalEdit.hexToBgr(op, p.text("colour"))
                        : sign ? new double[] {60, 140, 30} : new double[] {40, 210, 250};
                double size = p.number("size", 0.16, 0.05, 0.6); // a sign 0.22 wide before: its edges cost warp error
                double x = p.number("x", 0.72, 0, 1);
                double y = p.number("y", sign ? 0.3 : 0.25, 0, 1);
                yield new EditPlan(op + " " + (sign ? "'" + text + "'" : kind.name().toLowerCase(java.util.Locale.ROOT))
                        + " at " + x + "," + y, new SceneOverlay(kind, text, colour, x, y, size),
                        EditPlan.Propagation.SCENE_FLOW, effects);
            }
            default -> throw new IllegalArgumentException("unknown edit op '" + op + "'");
        };
        return plan;
    }

    /** Typed access to an op's params with messages that name the op and the param. */
    private record Params(String op, Map<String, Object> values) {
        void allow(String... names) {
            Set<String> ok = Set.of(names);
            for (String k : values.keySet()) {
                if (!ok.contains(k)) {
                    throw new IllegalArgumentException(op + ": unknown param '" + k + "'"
                            + (names.length == 0 ? " (this op takes none)" : "; allowed: " + List.of(names)));
                }
            }
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String text(String name) {
            Object v = values.get(name);
            if (!(v instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(op + ": param '" + name + "' must be a non-empty string, got " + v);
            }
            return s.trim();
        }

        String choice(String name, List<String> allowed) {
            String v = text(name);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException(op + ": param '" + name + "' = '" + v + "' is not one of " + allowed);
            }
            return v;
        }

        double number(String name, double fallback, double min, double max) {
            Object v = values.get(name);
            double d;
            if (v == null) {
                if (Double.isNaN(fallback)) {
                    throw new IllegalArgumentException(op + ": param '" + name + "' is required");
                }
                return fallback;
            } else if (v instanceof Number n) {
                d = n.doubleValue();
            } else if (v instanceof String s) {
                try {
                    d = Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(op + ": param '" + name + "' must be a number, got '" + s + "'");
                }
            } else {
                throw new IllegalArgumentException(op + ": param '" + name + "' must be a number, got " + v);
            }
            if (!(d >= min && d <= max)) {
                throw new IllegalArgumentException(
                        op + ": param '" + name + "' = " + d + " is outside " + min + ".." + max);
            }
            return d;
        }
    }
}
