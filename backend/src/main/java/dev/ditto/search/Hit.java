package dev.ditto.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One matching sample as the search view shows it; {@code highlights} holds HTML fragments of {@code instruction}
 * and {@code caption} with matched words in {@code <em>}; Elasticsearch HTML-escapes the indexed text, so {@code <em>}
 * is their only markup. {@code matchedBy} says why the hit is there: {@code WORDS} when the text half (BM25) matched
 * it, {@code MEANING} when only the vector half (kNN) brought it (its {@code score} is then the weighted similarity),
 * {@code FILTERS} when the search had neither words nor a sample to be similar to.
 */
public record Hit(long sampleId, double score, String instruction, @Nullable String caption, String category,
                  String status, List<String> tags, @Nullable Double judgeScore, long sourceId,
                  @Nullable String keyframeBlobKey, List<String> engines, @Nullable Instant createdAt,
                  Map<String, List<String>> highlights, MatchedBy matchedBy) {
    /** Which half of a hybrid search brought a hit. */
    public enum MatchedBy { WORDS, MEANING, FILTERS }

    public Hit {
        tags = List.copyOf(tags);
        engines = List.copyOf(engines);
        highlights = Map.copyOf(highlights);
    }

    /** The same hit with another status (a view shows a decision before the index has it). */
    public Hit withStatus(String value) {
        return new Hit(sampleId, score, instruction, caption, category, value, tags, judgeScore, sourceId, keyframeBlobKey,
                engines, createdAt, highlights, matchedBy);
    }

    /** The same hit with other tags. */
    public Hit withTags(List<String> value) {
        return new Hit(sampleId, score, instruction, caption, category, status, value, judgeScore, sourceId, keyframeBlobKey,
                engines, createdAt, highlights, matchedBy);
    }
}
