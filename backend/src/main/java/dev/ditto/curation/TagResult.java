package dev.ditto.curation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a bulk tagging did: each changed sample with its tags now, the samples that already had them, and unknown ids. */
public record TagResult(Map<Long, List<String>> changed, List<Long> unchanged, List<Long> missing) {
    public TagResult {
        changed = Collections.unmodifiableMap(new LinkedHashMap<>(changed));
        unchanged = List.copyOf(unchanged);
        missing = List.copyOf(missing);
    }
}
