package dev.ditto.curation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the review view shows about one sample: the instruction, the source clip and the edited video (blob
 * keys), key frames, the judge's scores with reasons, the runner's metrics and the provenance.
 *
 * @param sourceKeyFrameKeys blob keys of the source clip's key frames, in clip order
 * @param editedKeyFrameKey  the edited key frame (the image the edit was propagated from), if any
 * @param metrics            the runner's computed metrics, name → value as text
 * @param provenance         the top-level provenance fields, name → value as compact JSON or text
 * @param provenanceJson     the whole provenance, pretty-printed
 * @param leaseExpiresAt     when this curator's claim on the sample ends; null when the item was only looked up
 * @param reviews            decisions already given on the sample (undone ones included), oldest first
 */
public record ReviewItem(
        long sampleId,
        String status,
        String category,
        long instructionId,
        String instruction,
        long sourceId,
        String sourceName,
        @Nullable String caption,
        @Nullable String sourceClipKey,
        @Nullable String editedKey,
        @Nullable String editedKeyFrameKey,
        List<String> sourceKeyFrameKeys,
        @Nullable Double judgeScore,
        @Nullable String judgeDecision,
        @Nullable String judgeReason,
        @Nullable String judgeEngine,
        List<CriterionScore> scores,
        Map<String, String> metrics,
        Map<String, String> provenance,
        String provenanceJson,
        @Nullable Instant leaseExpiresAt,
        List<PastReview> reviews) {

    public ReviewItem {
        sourceKeyFrameKeys = List.copyOf(sourceKeyFrameKeys);
        scores = List.copyOf(scores);
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        provenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
        reviews = List.copyOf(reviews);
    }

    /** One judge criterion: its score in 0..1 and the judge's reason. */
    public record CriterionScore(String criterion, double value, String reason) {}

    /** A decision a curator gave on this sample. */
    public record PastReview(long reviewId, String reviewer, ReviewDecision decision, @Nullable ReasonCode reason,
                             @Nullable String note, Instant at, @Nullable Instant undoneAt) {}
}
