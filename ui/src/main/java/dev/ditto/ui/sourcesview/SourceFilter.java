package dev.ditto.ui.sourcesview;

import dev.ditto.sources.Source;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the gallery's filters ask for: statuses, tags (all of them), a name fragment, a [min, max] range per probe
 * score, and the ids the search box's server-side search found (null = no search). A source without a score passes
 * only when no range is set for it.
 */
record SourceFilter(Set<String> statuses, Set<String> tags, String name, Map<Scores, Range> ranges,
                    @Nullable Set<Long> searchMatches) implements Predicate<Source> {

    /** An inclusive range; a null end is open. */
    record Range(@Nullable Double min, @Nullable Double max) {
        boolean open() {
            return min == null && max == null;
        }

        boolean contains(@Nullable Double value) {
            if (open()) {
                return true;
            }
            if (value == null) {
                return false;
            }
            return (min == null || value >= min) && (max == null || value <= max);
        }
    }

    @Override
    public boolean test(Source s) {
        if (searchMatches != null && !searchMatches.contains(s.id())) {
            return false;
        }
        if (!statuses.isEmpty() && !statuses.contains(s.status())) {
            return false;
        }
        if (!tags.isEmpty() && !s.tags().containsAll(tags)) {
            return false;
        }
        if (!name.isBlank() && !s.originalName().toLowerCase(Locale.ROOT).contains(name.strip().toLowerCase(Locale.ROOT))) {
            return false;
        }
        for (var e : ranges.entrySet()) {
            if (!e.getValue().contains(s.scores().get(e.getKey().key))) {
                return false;
            }
        }
        return true;
    }
}
