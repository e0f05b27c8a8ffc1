package dev.ditto.agent.writer;

import static dev.ditto.agent.writer.GrammarVocabulary.*;

import dev.ditto.agent.AgentException;
import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.EditSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The built-in writer: a taxonomy grammar filled from a source's probed facts, needing no model server.
 *
 * <p>Person edits are offered only when the source has people; setting words come only from a fixed vocabulary
 * (never copied from captions), so caption text cannot steer it. Deterministic for a given seed and source.
 */
public final class GrammarInstructionWriter implements InstructionWriter {

    /** Engine label recorded on every draft. */
    public static final String ENGINE = "builtin-grammar";
    /** Model label recorded on every draft. */
    public static final String MODEL = "taxonomy-v1";
    /** Prompt (grammar) version recorded on every draft. */
    public static final String PROMPT_VERSION = "grammar-2026.1";

    private static final int ATTEMPTS_PER_ITEM = 16;

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public List<InstructionDraft> write(SourceFacts source, CategoryMix mix, int count, long seed) {
        if (count <= 0) {
            return List.of();
        }
        Set<Category> allowed = EditSpecRules.categoriesFor(source);
        CategoryMix effective;
        try {
            effective = mix.restrictedTo(allowed);
        } catch (IllegalArgumentException e) {
            throw new AgentException(source.sourceId(), "the category mix " + mix.targets().keySet()
                    + " has no category this source allows (" + allowed + "); add a global category to the mix", e);
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ source.sourceId().hashCode());
        SourceContext context = SourceContext.of(source);
        Map<Category, Integer> quota = effective.allocate(count, seed ^ source.sourceId().hashCode());
        List<InstructionDraft> drafts = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (Map.Entry<Category, Integer> e : quota.entrySet()) {
            for (int i = 0; i < e.getValue(); i++, index++) {
                long specSeed = random.nextLong() & Long.MAX_VALUE;
                Composed composed = null;
                for (int attempt = 0; attempt < ATTEMPTS_PER_ITEM; attempt++) {
                    Composed candidate = compose(e.getKey(), context, random);
                    if (seen.add(candidate.text().toLowerCase(Locale.ROOT))) {
                        composed = candidate;
                        break;
                    }
                }
                if (composed == null) {
                    continue; // the grammar ran out of distinct phrasings for this category and source
                }
                List<String> problems = new ArrayList<>(EditSpecRules.problems(e.getKey(), composed.spec(specSeed), source));
                problems.addAll(EditSpecRules.wordingProblems(composed.text(), composed.spec(specSeed)));
                if (!problems.isEmpty()) {
                    throw new IllegalStateException("grammar produced an invalid spec for " + source.sourceId() + ": " + problems);
                }
                drafts.add(new InstructionDraft(source.sourceId(), e.getKey(), composed.text(), composed.spec(specSeed),
                        ENGINE, MODEL, PROMPT_VERSION));
            }
        }
        return drafts;
    }

    /** A composed instruction before it gets its seed. */
    private record Composed(String text, String op, Map<String, Object> params) {
        EditSpec spec(long seed) {
            return new EditSpec(op, params, seed, text);
        }
    }

    private static Composed compose(Category category, SourceContext ctx, SplittableRandom r) {
        return switch (category) {
            case GLOBAL_STYLE -> globalStyle(ctx, r);
            case GLOBAL_FREEFORM -> globalGrade(ctx, r);
            case LOCAL_ATTRIBUTE -> recolour(ctx, r);
            case LOCAL_ADD -> addWeather(ctx, r);
            case LOCAL_REMOVE -> remove(ctx, r);
            case LOCAL_REPLACE -> replace(ctx, r);
            case BACKGROUND -> background(ctx, r);
        };
    }

    private static Composed globalStyle(SourceContext ctx, SplittableRandom r) {
        String style = weighted(r, ctx.styleWeights());
        double strength = round(Math.min(ctx.maxStrength(), 0.55 + 0.45 * r.nextDouble()));
        List<String> tails = strength < 0.65 ? STYLE_TAILS_LIGHT : strength > 0.9 ? STYLE_TAILS_STRONG : STYLE_TAILS_MEDIUM;
        String text = fill(pick(r, STYLE_TEMPLATES), ctx, r, Map.of(
                "look", pick(r, STYLES.get(style).looks()),
                "tail", pick(r, tails)));
        return new Composed(text, "style", params("style", style, "strength", strength));
    }

    private static Composed globalGrade(SourceContext ctx, SplittableRandom r) {
        String grade = weighted(r, ctx.gradeWeights());
        double strength = round(0.6 + 0.4 * r.nextDouble());
        GradeWords words = GRADES.get(grade);
        String text = fill(pick(r, GRADE_TEMPLATES), ctx, r, Map.of(
                "cond", pick(r, words.conditions()), "look", pick(r, words.looks()), "light", pick(r, words.lights())));
        return new Composed(text, "grade", params("grade", grade, "strength", strength));
    }

    /** The object an object edit names, or null: only objects PROBE tagged, and people take turns with them. */
    private static String objectFor(SourceContext ctx, SplittableRandom r) {
        List<String> objects = ctx.objects();
        if (objects.isEmpty() || (ctx.hasPeople() && r.nextDouble() < 0.5)) {
            return null;
        }
        return pick(r, objects);
    }

    private static Composed recolour(SourceContext ctx, SplittableRandom r) {
        String object = objectFor(ctx, r);
        if (object != null) {
            NamedColour colour = pick(r, ctx.contrastingColours());
            double strength = round(0.6 + 0.35 * r.nextDouble());
            String text = fill(pick(r, OBJECT_RECOLOUR_TEMPLATES), ctx, r, Map.of("object", object, "colour", colour.name()));
            return new Composed(text, "object_recolour", params("object", object, "hue", colour.hue(), "strength", strength));
        }
        NamedColour colour = pick(r, ctx.contrastingColours());
        double strength = round(0.5 + 0.4 * r.nextDouble());
        String text = fill(pick(r, RECOLOUR_TEMPLATES), ctx, r, Map.of("colour", colour.name()));
        return new Composed(text, "person_recolour", params("hue", colour.hue(), "strength", strength));
    }

    private static Composed addWeather(SourceContext ctx, SplittableRandom r) {
        double roll = r.nextDouble();
        if (roll < 0.3) {
            NamedColour colour = pick(r, ctx.contrastingColours());
            String words = pick(r, SIGN_TEXTS);
            String text = fill(pick(r, SIGN_TEMPLATES), ctx, r, Map.of("colour", colour.name(), "text", words));
            return new Composed(text, "add_sign", params("text", words, "colour", colour.hex()));
        }
        if (roll < 0.5) {
            NamedColour colour = pick(r, ctx.contrastingColours());
            String shape = pick(r, EditOps.STICKER_SHAPES);
            String text = fill(pick(r, STICKER_TEMPLATES), ctx, r, Map.of("colour", colour.name(), "shape", shape));
            return new Composed(text, "add_sticker", params("shape", shape, "colour", colour.hex()));
        }
        boolean snow = r.nextDouble() < ctx.snowChance();
        double density = round(0.15 + 0.8 * r.nextDouble());
        int level = density < 0.4 ? 0 : density < 0.7 ? 1 : 2;
        List<List<String>> adjectives = snow
                ? List.of(List.of("light", "gentle", "soft"), List.of("steady", "moderate"), List.of("heavy", "thick", "dense"))
                : List.of(List.of("light", "drizzly", "soft"), List.of("steady", "moderate"), List.of("heavy", "pouring", "torrential"));
        List<String> adverbs = List.of("lightly", "steadily", "heavily");
        String text = fill(pick(r, snow ? SNOW_TEMPLATES : RAIN_TEMPLATES), ctx, r, Map.of(
                "adj", pick(r, adjectives.get(level)), "adverb", adverbs.get(level)));
        return new Composed(text, snow ? "add_snowfall" : "add_rain", params("density", density));
    }

    private static Composed remove(SourceContext ctx, SplittableRandom r) {
        String object = objectFor(ctx, r);
        if (object != null) {
            return new Composed(fill(pick(r, OBJECT_REMOVE_TEMPLATES), ctx, r, Map.of("object", object)),
                    "object_remove", params("object", object));
        }
        return new Composed(fill(pick(r, REMOVE_TEMPLATES), ctx, r, Map.of()), "person_remove", Map.of());
    }

    private static Composed replace(SourceContext ctx, SplittableRandom r) {
        String object = objectFor(ctx, r);
        if (object != null) {
            String style = weighted(r, ctx.styleWeights());
            String text = fill(pick(r, OBJECT_STYLIZE_TEMPLATES), ctx, r, Map.of("object", object,
                    "look", pick(r, STYLES.get(style).looks())));
            return new Composed(text, "object_stylize", params("object", object, "style", style));
        }
        String style = weighted(r, ctx.styleWeights());
        StyleWords words = STYLES.get(style);
        String figure = pick(r, ctx.pluralSubject() ? words.pluralFigures() : words.figures());
        String text = fill(pick(r, REPLACE_TEMPLATES), ctx, r, Map.of("figure", figure));
        return new Composed(text, "person_stylize", params("style", style));
    }

    private static Composed background(SourceContext ctx, SplittableRandom r) {
        double roll = r.nextDouble();
        if (roll < 0.35) {
            int radius = 6 + r.nextInt(25);
            String adj = radius < 12 ? pick(r, List.of("soft", "gentle")) : radius < 22 ? "strong" : pick(r, List.of("heavy", "very strong"));
            return new Composed(fill(pick(r, BLUR_TEMPLATES), ctx, r, Map.of("adj", adj)), "background_blur",
                    params("radius", radius));
        }
        if (roll < 0.6) {
            NamedColour colour = pick(r, ctx.contrastingColours());
            return new Composed(fill(pick(r, BACKDROP_COLOUR_TEMPLATES), ctx, r, Map.of("colour", colour.name())),
                    "background_replace", params("colour", colour.hex()));
        }
        if (roll < 0.8) {
            String grade = weighted(r, ctx.gradeWeights());
            GradeWords words = GRADES.get(grade);
            return new Composed(fill(pick(r, BACKDROP_GRADE_TEMPLATES), ctx, r, Map.of(
                    "cond", pick(r, words.conditions()), "look", pick(r, words.looks()), "light", pick(r, words.lights()))),
                    "background_replace", params("grade", grade));
        }
        String style = weighted(r, ctx.styleWeights());
        return new Composed(fill(pick(r, BACKDROP_STYLE_TEMPLATES), ctx, r, Map.of(
                "look", pick(r, STYLES.get(style).looks()))), "background_replace", params("style", style));
    }

    private static String fill(String template, SourceContext ctx, SplittableRandom r, Map<String, String> slots) {
        Map<String, String> all = new LinkedHashMap<>(slots);
        boolean plural = ctx.pluralSubject();
        all.put("scene", pick(r, ctx.scenes()));
        all.put("subject", pick(r, ctx.subjects()));
        all.put("is", plural ? "are" : "is");
        all.put("was", plural ? "were" : "was");
        all.put("are", "are");
        all.put("they", "they");
        all.put("them", "them");
        all.put("stays", plural ? "stay" : "stays");
        StringBuilder out = new StringBuilder(template.length() + 40);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            out.append(template, i, open);
            String key = template.substring(open + 1, close);
            String value = all.get(key);
            if (value == null) {
                throw new IllegalStateException("grammar template slot {" + key + "} has no value: " + template);
            }
            out.append(value);
            i = close + 1;
        }
        return out.toString();
    }

    static <T> T pick(SplittableRandom r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    static String weighted(SplittableRandom r, Map<String, Double> weights) {
        double total = 0;
        for (double w : weights.values()) {
            total += w;
        }
        double roll = r.nextDouble() * total;
        String last = null;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            last = e.getKey();
            roll -= e.getValue();
            if (roll < 0) {
                return last;
            }
        }
        return last;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** Keeps every op name the grammar writes inside {@link EditOps}. */
    static boolean writesOnlyKnownOps() {
        return EditOps.GLOBAL_STYLES.containsAll(STYLES.keySet()) && EditOps.COLOUR_GRADES.containsAll(GRADES.keySet());
    }
}
