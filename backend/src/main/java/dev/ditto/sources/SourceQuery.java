package dev.ditto.sources;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the gallery (and {@code GET /api/sources/page}) filters on, answered by a paged SQL query over every source:
 * statuses (any of; empty = all), tags (all of), a name fragment, search words (each must appear in the name,
 * caption, tags or origin), and an inclusive [min, max] range per probe score key (a source without the score fails
 * a range).
 */
public record SourceQuery(Set<String> statuses, Set<String> tags, String name, String words, Map<String, Range> ranges) {
    private static final Pattern SCORE_KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public SourceQuery {
        statuses = Set.copyOf(statuses);
        tags = Set.copyOf(tags);
        name = name == null ? "" : name.strip();
        words = words == null ? "" : words.strip();
        ranges = Map.copyOf(ranges);
        for (String key : ranges.keySet()) {
            if (!SCORE_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("'" + key + "' is not a score name (lower-case letters, digits, _).");
            }
        }
    }

    /** Every source. */
    public static SourceQuery all() {
        return new SourceQuery(Set.of(), Set.of(), "", "", Map.of());
    }

    /** An inclusive range; a null end is open. */
    public record Range(@Nullable Double min, @Nullable Double max) {
        public boolean open() {
            return min == null && max == null;
        }
    }
}
