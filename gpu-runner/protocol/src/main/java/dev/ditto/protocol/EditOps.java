package dev.ditto.protocol;

import java.util.List;

/**
 * The catalogue of operators the built-in engine executes. The agent only writes specs from this list;
 * the runner refuses anything else with a clear error.
 */
public final class EditOps {
    private EditOps() {}

    /** Whole-frame painterly styles; param {@code strength} 0..1. */
    public static final List<String> GLOBAL_STYLES = List.of(
            "stylize", "pencil_sketch", "colour_pencil", "cartoon", "oil_paint", "watercolour", "pixel_art", "edge_glow");

    /** Whole-frame colour grades; param {@code strength} 0..1. */
    public static final List<String> COLOUR_GRADES = List.of(
            "sunset", "night", "winter", "autumn", "vintage_film", "noir", "sepia", "cyberpunk", "golden_hour", "underwater");

    /** Local edits: driven by the person segmentation mask, a detected object's mask, or anchored in the scene. */
    public static final List<String> LOCAL_OPS = List.of(
            "background_blur",      // param radius (px)
            "background_replace",   // param colour ("#rrggbb") or grade (a COLOUR_GRADES name) or style (a GLOBAL_STYLES name)
            "person_recolour",      // param hue (degrees 0..360), strength 0..1
            "person_stylize",       // param style (a GLOBAL_STYLES name)
            "person_remove",        // inpaints the person region from the background
            "add_snowfall",         // param density 0..1 — particles rendered over the clip, occluded by nothing
            "add_rain",             // param density 0..1
            "object_recolour",      // param object (a detector class, OBJECT_CLASSES), hue 0..360, strength 0..1
            "object_stylize",       // param object, style (a GLOBAL_STYLES name)
            "object_remove",        // param object — inpaints the object from what surrounds it
            "add_sign",             // param text (≤ 24 chars), colour "#rrggbb"; x, y, size 0..1 — a sign anchored in the scene
            "add_sticker");         // param shape (STICKER_SHAPES), colour "#rrggbb"; x, y, size 0..1

    /** Classes the built-in object detector reports (MediaPipe Objectron's Open Images subset, in plain names). */
    public static final List<String> OBJECT_CLASSES = List.of("bicycle", "book", "bottle", "box", "camera", "car", "cat",
            "chair", "cow", "cup", "dog", "laptop", "monitor", "mouse", "person", "shoe", "table");

    /** Shapes {@code add_sticker} draws. */
    public static final List<String> STICKER_SHAPES = List.of("smiley", "star", "heart");

    /** Local ops that act on a detected object named by param {@code object}: feasible only where the clip shows it. */
    public static final List<String> OBJECT_OPS = List.of("object_recolour", "object_stylize", "object_remove");

    /** {@code op} values: "style" (param style), "grade" (param grade) or one of LOCAL_OPS. */
    public static boolean isKnown(String op) {
        return op.equals("style") || op.equals("grade") || LOCAL_OPS.contains(op);
    }
}
