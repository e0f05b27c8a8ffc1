package dev.ditto.releases;

import java.util.List;
import java.util.Locale;

/**
 * The rule for a release's sim2real subset, as in Ditto-1M's {@code sim2real.csv}: the reverse pairs of accepted
 * samples in {@code categories} (enum names, e.g. {@code GLOBAL_STYLE}), the stylised video as the condition and the
 * real source as the target, all with {@code prompt} as their instruction. The admin settings
 * {@code releases.sim2real-categories} and {@code releases.sim2real-prompt} hold it.
 */
public record Sim2Real(List<String> categories, String prompt) {
    /** The default eligible categories: global style edits. */
    public static final String DEFAULT_CATEGORIES = "GLOBAL_STYLE";
    /** The default instruction of a reverse pair. */
    public static final String DEFAULT_PROMPT = "Turn this stylized video back into a realistic, real-world video.";

    public Sim2Real {
        categories = categories.stream().map(c -> c.strip().toUpperCase(Locale.ROOT)).filter(c -> !c.isEmpty())
                .distinct().sorted().toList();
        prompt = prompt.strip();
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("the sim2real rule names no category");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("the sim2real rule has no prompt");
        }
    }

    /** The defaults: global style edits, reversed with {@link #DEFAULT_PROMPT}. */
    public static Sim2Real defaults() {
        return new Sim2Real(List.of(DEFAULT_CATEGORIES), DEFAULT_PROMPT);
    }

    /** Parses a comma- or semicolon-separated category list. */
    public static List<String> parseCategories(String text) {
        return List.of(text.split("[,;]")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether a sample of {@code category} (enum name) is reversed. */
    boolean covers(String category) {
        return categories.contains(category.toUpperCase(Locale.ROOT));
    }

    /** What a built release's sim2real subset holds: the rule it applied and how many pairs it wrote. */
    public record Subset(List<String> categories, String prompt, long pairs) {}
}
