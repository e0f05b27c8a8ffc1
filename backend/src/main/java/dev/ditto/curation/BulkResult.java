package dev.ditto.curation;

import java.util.List;
import java.util.Map;

/** The outcome of a bulk decision: the samples decided, and why each of the others was left alone. */
public record BulkResult(List<Long> decided, Map<Long, String> refused) {
    public BulkResult {
        decided = List.copyOf(decided);
        refused = Map.copyOf(refused);
    }
}
