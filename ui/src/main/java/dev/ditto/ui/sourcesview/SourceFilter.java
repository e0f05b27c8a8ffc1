package dev.ditto.ui.sourcesview;

import dev.ditto.sources.SourceQuery;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the gallery's filters ask for: statuses, tags (all of them), a name fragment, search words (every one must
 * appear in the name, caption, tags or origin) and a [min, max] range per probe score; the server answers it with a
 * paged SQL query ({@link SourceQuery}) over every source. A source without a score fails a range set for it.
 */
record SourceFilter(Set<String> statuses, Set<String> tags, String name, String words, Map<Scores, Range> ranges) {

    /** An inclusive range; a null end is open. */
    record Range(@Nullable Double min, @Nullable Double max) {
        boolean open() {
            return min == null && max == null;
        }
    }

    SourceQuery query() {
        Map<String, SourceQuery.Range> byKey = new HashMap<>();
        ranges.forEach((score, r) -> {
            if (!r.open()) {
                byKey.put(score.key, new SourceQuery.Range(r.min(), r.max()));
            }
        });
        return new SourceQuery(statuses, tags, name, words, byKey);
    }
}
