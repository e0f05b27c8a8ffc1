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
            Category.LOCAL_ATTRIBUTE, Set.of("person_recolour", "person_stylize"),
            Category.LOCAL_ADD, Set.of("add_snowfall", "add_rain"),
            Category.LOCAL_REMOVE, Set.of("person_remove"),
            Category.LOCAL_REPLACE, Set.of("person_stylize"),
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

    /** The categories a source allows: all of them with people, only those that need no person without. */
    public static Set<Category> categoriesFor(SourceFacts facts) {
        EnumSet<Category> allowed = EnumSet.noneOf(Category.class);
        for (Category c : Category.values()) {
            if (facts.hasPeople() || !c.needsPeople()) {
                allowed.add(c);
            }
        }
        return allowed;
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
            default -> problems.add("op '" + op + "' has no parameter rules");
        }
        return problems;
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
