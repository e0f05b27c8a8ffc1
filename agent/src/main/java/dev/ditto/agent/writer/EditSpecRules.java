package dev.ditto.agent.writer;

import dev.ditto.agent.Category;
import dev.ditto.agent.SourceFacts;
import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.EditSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@link EditOps} operators each category may use and which parameters each operator takes; every
 * engine's output passes through {@link #problems} before it leaves the agent.
 */
public final class EditSpecRules {

    private static final Pattern HEX_COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

    private static final Map<Category, Set<String>> OPS = Map.of(
            Category.GLOBAL_STYLE, Set.of("style"),
            Category.GLOBAL_FREEFORM, Set.of("grade"),
            Category.LOCAL_ATTRIBUTE, Set.of("person_recolour", "person_stylize", "object_recolour", "object_stylize"),
            Category.LOCAL_ADD, Set.of("add_snowfall", "add_rain", "add_sign", "add_sticker"),
            Category.LOCAL_REMOVE, Set.of("person_remove", "object_remove"),
            Category.LOCAL_REPLACE, Set.of("person_stylize", "object_stylize"),
            Category.BACKGROUND, Set.of("background_blur", "background_replace"));

    private static final Set<String> PERSON_OPS = Set.of(
            "person_recolour", "person_stylize", "person_remove", "background_blur", "background_replace");

    private EditSpecRules() {}

    /** The operators a category may use. */
    public static Set<String> opsFor(Category category) {
        return OPS.get(category);
    }

    /** Whether an operator needs a person mask (so is refused for sources without people). */
    public static boolean needsPeople(String op) {
        return PERSON_OPS.contains(op);
    }

    /** Categories whose object operators make them feasible for a clip without people but with a detected object. */
    private static final Set<Category> OBJECT_CATEGORIES =
            EnumSet.of(Category.LOCAL_ATTRIBUTE, Category.LOCAL_REMOVE, Category.LOCAL_REPLACE);

    /**
     * The categories a source allows: all of them with people; without, those that need no person, plus the local
     * attribute, remove and replace categories when PROBE tagged an object the engine can act on.
     */
    public static Set<Category> categoriesFor(SourceFacts facts) {
        EnumSet<Category> allowed = EnumSet.noneOf(Category.class);
        for (Category c : Category.values()) {
            if (facts.hasPeople() || !c.needsPeople() || (!facts.objects().isEmpty() && OBJECT_CATEGORIES.contains(c))) {
                allowed.add(c);
            }
        }
        return allowed;
    }

    /** Words an instruction uses for each object class (the class name first). */
    static final Map<String, List<String>> OBJECT_WORDS = Map.ofEntries(
            Map.entry("bicycle", List.of("bicycle", "bike", "cycle")), Map.entry("book", List.of("book")),
            Map.entry("bottle", List.of("bottle")), Map.entry("box", List.of("box", "carton", "package", "parcel")),
            Map.entry("camera", List.of("camera")), Map.entry("car", List.of("car", "vehicle", "van", "truck")),
            Map.entry("cat", List.of("cat", "kitten")), Map.entry("chair", List.of("chair", "seat")),
            Map.entry("cow", List.of("cow", "cattle")), Map.entry("cup", List.of("cup", "mug")),
            Map.entry("dog", List.of("dog", "puppy")), Map.entry("laptop", List.of("laptop", "notebook computer")),
            Map.entry("monitor", List.of("monitor", "screen", "display")), Map.entry("mouse", List.of("mouse")),
            Map.entry("person", List.of("person", "people", "man", "woman")),
            Map.entry("shoe", List.of("shoe", "sneaker", "boot", "footwear")),
            Map.entry("table", List.of("table", "desk")));

    /** What an instruction must mention for each scene-add operator to be what it asks for. */
    private static final Map<String, List<String>> ADD_WORDS = Map.of(
            "add_rain", List.of("rain", "drizzl", "downpour", "shower", "storm"),
            "add_snowfall", List.of("snow", "blizzard", "flurr", "flake"),
            "add_sign", List.of("sign", "placard", "board", "notice"),
            "add_sticker", List.of("sticker", "emoji", "smiley", "star", "heart", "decal"));

    /** Every object word the rules know, longest first, for finding which object an instruction names. */
    private static final List<String> ALL_OBJECT_WORDS = OBJECT_WORDS.values().stream().flatMap(List::stream)
            .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();

    /**
     * Whether the instruction's words ask for what the operator does; the reasons it does not (empty when it does).
     * A model may propose "add a dragon" with op add_rain, or "remove the car" with object_remove on a cup: run, the
     * engine would do something else than the instruction says, so such proposals are refused, never executed.
     */
    public static List<String> wordingProblems(String instruction, EditSpec spec) {
        List<String> problems = new ArrayList<>();
        String text = " " + instruction.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 ]", " ") + " ";
        String op = spec.op();
        List<String> addWords = ADD_WORDS.get(op);
        if (addWords != null && addWords.stream().noneMatch(text::contains)) {
            problems.add("instruction '" + instruction + "' does not ask for what " + op + " adds (expects one of "
                    + addWords + "); the built-in engine can add only rain, snow, signs and stickers");
        }
        if (EditOps.OBJECT_OPS.contains(op) && spec.params().get("object") instanceof String object) {
            List<String> words = OBJECT_WORDS.getOrDefault(object, List.of(object));
            if (words.stream().noneMatch(w -> containsWord(text, w))) {
                problems.add("instruction '" + instruction + "' does not name the " + object + " that " + op
                        + " edits (expects one of " + words + ")");
            }
        }
        if (op.startsWith("person_") || op.startsWith("background_")) {
            for (String w : ALL_OBJECT_WORDS) {
                if (containsWord(text, w) && !OBJECT_WORDS.get("person").contains(w)
                        && (text.contains(" remove ") || text.contains(" recolo") || text.contains(" paint ")
                            || text.contains(" erase ") || text.contains(" make the " + w))) {
                    problems.add("instruction '" + instruction + "' edits the " + w + ", but " + op
                            + " acts on people; an object edit (object_*) would be needed");
                    break;
                }
            }
        }
        return problems;
    }

    private static boolean containsWord(String paddedText, String word) {
        return paddedText.contains(" " + word + " ") || paddedText.contains(" " + word + "s ")
                || paddedText.contains(" " + word + "es ");
    }

    /** Every reason the spec is not acceptable for this category and source; empty when it is. */
    public static List<String> problems(Category category, EditSpec spec, SourceFacts facts) {
        List<String> problems = new ArrayList<>();
        String op = spec.op();
        if (!EditOps.isKnown(op)) {
            problems.add("op '" + op + "' is not in EditOps");
            return problems;
        }
        if (!opsFor(category).contains(op)) {
            problems.add("op '" + op + "' does not belong to category " + category.wireName()
                    + " (allowed: " + opsFor(category) + ")");
        }
        if (needsPeople(op) && !facts.hasPeople()) {
            problems.add("op '" + op + "' needs a person but source " + facts.sourceId() + " has none");
        }
        if (EditOps.OBJECT_OPS.contains(op) && spec.params().get("object") instanceof String object
                && !object.equals("person") && !facts.objects().contains(object)) {
            problems.add("op '" + op + "' edits a " + object + " but PROBE found no " + object + " in source "
                    + facts.sourceId() + " (objects: " + facts.objects() + ")");
        }
        if (EditOps.OBJECT_OPS.contains(op) && "person".equals(spec.params().get("object")) && !facts.hasPeople()) {
            problems.add("op '" + op + "' edits a person but source " + facts.sourceId() + " has none");
        }
        Map<String, Object> p = spec.params();
        switch (op) {
            case "style" -> {
                requireOneOf(p, "style", EditOps.GLOBAL_STYLES, problems);
                requireUnit(p, "strength", problems);
                allowOnly(p, Set.of("style", "strength"), problems);
            }
            case "grade" -> {
                requireOneOf(p, "grade", EditOps.COLOUR_GRADES, problems);
                requireUnit(p, "strength", problems);
                allowOnly(p, Set.of("grade", "strength"), problems);
            }
            case "background_blur" -> {
                requireRange(p, "radius", 1, 64, problems);
                allowOnly(p, Set.of("radius"), problems);
            }
            case "background_replace" -> {
                long given = Set.of("colour", "grade", "style").stream().filter(p::containsKey).count();
                if (given != 1) {
                    problems.add("background_replace needs exactly one of colour, grade, style");
                } else if (p.containsKey("colour")) {
                    if (!(p.get("colour") instanceof String s) || !HEX_COLOUR.matcher(s).matches()) {
                        problems.add("background_replace colour must be #rrggbb, was " + p.get("colour"));
                    }
                } else if (p.containsKey("grade")) {
                    requireOneOf(p, "grade", EditOps.COLOUR_GRADES, problems);
                } else {
                    requireOneOf(p, "style", EditOps.GLOBAL_STYLES, problems);
                }
                allowOnly(p, Set.of("colour", "grade", "style"), problems);
            }
            case "person_recolour" -> {
                requireRange(p, "hue", 0, 360, problems);
                requireUnit(p, "strength", problems);
                allowOnly(p, Set.of("hue", "strength"), problems);
            }
            case "person_stylize" -> {
                requireOneOf(p, "style", EditOps.GLOBAL_STYLES, problems);
                allowOnly(p, Set.of("style"), problems);
            }
            case "person_remove" -> allowOnly(p, Set.of(), problems);
            case "add_snowfall", "add_rain" -> {
                requireUnit(p, "density", problems);
                allowOnly(p, Set.of("density"), problems);
            }
            case "object_recolour" -> {
                requireOneOf(p, "object", EditOps.OBJECT_CLASSES, problems);
                requireRange(p, "hue", 0, 360, problems);
                requireUnit(p, "strength", problems);
                allowOnly(p, Set.of("object", "hue", "strength"), problems);
            }
            case "object_stylize" -> {
                requireOneOf(p, "object", EditOps.OBJECT_CLASSES, problems);
                requireOneOf(p, "style", EditOps.GLOBAL_STYLES, problems);
                allowOnly(p, Set.of("object", "style"), problems);
            }
            case "object_remove" -> {
                requireOneOf(p, "object", EditOps.OBJECT_CLASSES, problems);
                allowOnly(p, Set.of("object"), problems);
            }
            case "add_sign" -> {
                if (!(p.get("text") instanceof String t) || t.isBlank() || t.length() > 24 || !t.matches("[\\x20-\\x7E]+")) {
                    problems.add("add_sign text must be 1..24 printable ASCII characters, was " + p.get("text"));
                }
                optionalColour(p, problems);
                optionalPlacement(p, problems);
                allowOnly(p, Set.of("text", "colour", "x", "y", "size"), problems);
            }
            case "add_sticker" -> {
                requireOneOf(p, "shape", EditOps.STICKER_SHAPES, problems);
                optionalColour(p, problems);
                optionalPlacement(p, problems);
                allowOnly(p, Set.of("shape", "colour", "x", "y", "size"), problems);
            }
            default -> problems.add("op '" + op + "' has no parameter rules");
        }
        return problems;
    }

    private static void optionalColour(Map<String, Object> p, List<String> problems) {
        if (p.containsKey("colour") && !(p.get("colour") instanceof String s && HEX_COLOUR.matcher(s).matches())) {
            problems.add("param colour must be #rrggbb, was " + p.get("colour"));
        }
    }

    private static void optionalPlacement(Map<String, Object> p, List<String> problems) {
        for (String k : List.of("x", "y")) {
            if (p.containsKey(k)) {
                requireUnit(p, k, problems);
            }
        }
        if (p.containsKey("size")) {
            requireRange(p, "size", 0.05, 0.6, problems);
        }
    }

    private static void requireOneOf(Map<String, Object> p, String key, List<String> allowed, List<String> problems) {
        Object v = p.get(key);
        if (!(v instanceof String s) || !allowed.contains(s)) {
            problems.add("param " + key + " must be one of " + allowed + ", was " + v);
        }
    }

    private static void requireUnit(Map<String, Object> p, String key, List<String> problems) {
        requireRange(p, key, 0, 1, problems);
    }

    private static void requireRange(Map<String, Object> p, String key, double min, double max, List<String> problems) {
        Object v = p.get(key);
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            problems.add("param " + key + " must be a number in [" + min + ", " + max + "], was " + v);
        }
    }

    private static void allowOnly(Map<String, Object> p, Set<String> keys, List<String> problems) {
        for (String k : p.keySet()) {
            if (!keys.contains(k)) {
                problems.add("param " + k + " is not a parameter of this op (allowed: " + keys + ")");
            }
        }
    }
}
