package dev.ditto.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One matching sample as the search view shows it; {@code highlights} holds HTML fragments of {@code instruction}
 * and {@code caption} with matched words in {@code <em>} (the indexed text itself is escaped by the view).
 */
public record Hit(long sampleId, double score, String instruction, @Nullable String caption, String category,
                  String status, List<String> tags, @Nullable Double judgeScore, long sourceId,
                  @Nullable String keyframeBlobKey, List<String> engines, @Nullable Instant createdAt,
                  Map<String, List<String>> highlights) {
    public Hit {
        tags = List.copyOf(tags);
        engines = List.copyOf(engines);
        highlights = Map.copyOf(highlights);
    }
}
