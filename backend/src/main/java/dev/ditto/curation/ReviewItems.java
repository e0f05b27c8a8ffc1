package dev.ditto.curation;

import dev.ditto.agent.judge.Criterion;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Loads a {@link ReviewItem} from the sample, its instruction, source clip, key frames and reviews. */
final class ReviewItems {
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    ReviewItems(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    private record Row(long id, String status, String category, long instructionId, String instruction, long sourceId,
                       String sourceName, @Nullable String caption, long clipId, @Nullable String clipKey,
                       @Nullable String editedKey, @Nullable String keyFrameKey, @Nullable Double judgeScore,
                       @Nullable String judgeEngine, @Nullable String verdict, @Nullable String metrics,
                       @Nullable String provenance) {}

    Optional<ReviewItem> load(long sampleId, @Nullable Instant leaseExpiresAt) {
        Optional<Row> found = jdbc.sql("""
                select s.id, s.status, s.category, s.instruction_id, i.text, s.source_id, src.original_name, src.caption,
                       s.clip_id, clip.blob_key, s.edited_blob_key, s.keyframe_blob_key, s.judge_score, s.judge_engine,
                       s.verdict::text, s.metrics::text, s.provenance::text
                from samples s
                join instructions i on i.id = s.instruction_id
                join sources src on src.id = s.source_id
                left join source_assets clip on clip.id = s.clip_id
                where s.id = :id""")
                .param("id", sampleId)
                .query((rs, i) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getLong(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getObject(13) == null ? null : rs.getDouble(13), rs.getString(14),
                        rs.getString(15), rs.getString(16), rs.getString(17)))
                .optional();
        return found.map(row -> toItem(row, leaseExpiresAt));
    }

    private ReviewItem toItem(Row row, @Nullable Instant leaseExpiresAt) {
        List<String> keyFrames = jdbc.sql("""
                select blob_key from source_assets where parent_id = :clip and kind = 'KEY_FRAME'
                order by coalesce(start_s, 0), id""")
                .param("clip", row.clipId()).query(String.class).list();
        List<ReviewItem.PastReview> reviews = jdbc.sql("""
                select r.id, u.username, r.decision, r.reason_code, r.note, r.created_at, r.undone_at
                from reviews r join users u on u.id = r.reviewer_id
                where r.sample_id = :id order by r.created_at, r.id""")
                .param("id", row.id())
                .query((rs, i) -> new ReviewItem.PastReview(rs.getLong(1), rs.getString(2),
                        ReviewDecision.valueOf(rs.getString(3)), reason(rs.getString(4)), rs.getString(5),
                        rs.getTimestamp(6).toInstant(), instant(rs.getTimestamp(7))))
                .list();

        JsonNode verdict = parse(row.verdict());
        List<ReviewItem.CriterionScore> scores = new ArrayList<>();
        Double judgeScore = row.judgeScore();
        String judgeDecision = null;
        String judgeReason = null;
        String judgeEngine = row.judgeEngine();
        if (verdict != null) {
            for (var entry : verdict.path("scores").properties()) {
                JsonNode v = entry.getValue();
                JsonNode number = v.isNumber() ? v : v.has("value") ? v.get("value") : v.get("score");
                if (number != null && number.isNumber()) {
                    String reason = v.path("reason").isString() ? v.path("reason").asString() : "";
                    scores.add(new ReviewItem.CriterionScore(criterionName(entry.getKey()), number.asDouble(), reason));
                }
            }
            scores.sort(java.util.Comparator.comparingInt(ReviewItems::criterionOrder));
            if (judgeScore == null && verdict.path("overall").isNumber()) {
                judgeScore = verdict.path("overall").asDouble();
            }
            judgeDecision = text(verdict.path("decision"));
            judgeReason = text(verdict.path("reason"));
            if (judgeEngine == null) {
                judgeEngine = text(verdict.path("engine"));
            }
        }
        Map<String, String> metrics = flatten(parse(row.metrics()));
        JsonNode provenanceNode = parse(row.provenance());
        Map<String, String> provenance = flatten(provenanceNode);
        String provenanceJson = provenanceNode == null ? "{}" : json.writerWithDefaultPrettyPrinter().writeValueAsString(provenanceNode);
        return new ReviewItem(row.id(), row.status(), row.category(), row.instructionId(), row.instruction(), row.sourceId(),
                row.sourceName(), row.caption(), row.clipKey(), row.editedKey(), row.keyFrameKey(), keyFrames, judgeScore,
                judgeDecision, judgeReason, judgeEngine, scores, metrics, provenance, provenanceJson, leaseExpiresAt, reviews);
    }

    /** {@code instruction_following} or {@code INSTRUCTION_FOLLOWING} → {@code instruction following}. */
    static String criterionName(String key) {
        return key.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The judge's own order of criteria (safety first); jsonb keeps keys in its own order. */
    private static int criterionOrder(ReviewItem.CriterionScore score) {
        for (Criterion c : Criterion.values()) {
            if (criterionName(c.name()).equals(score.criterion())) {
                return c.ordinal();
            }
        }
        return Integer.MAX_VALUE;
    }

    private Map<String, String> flatten(@Nullable JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return out;
        }
        for (var entry : node.properties()) {
            JsonNode v = entry.getValue();
            String text;
            if (v.isNumber()) {
                double d = v.asDouble();
                text = v.isIntegralNumber() ? String.valueOf(v.asLong()) : String.format(Locale.ROOT, "%.3f", d);
            } else if (v.isString()) {
                text = v.asString();
            } else {
                text = json.writeValueAsString(v);
            }
            out.put(entry.getKey(), text);
        }
        return out;
    }

    private @Nullable JsonNode parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static @Nullable String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    static @Nullable ReasonCode reason(@Nullable String code) {
        if (code == null) {
            return null;
        }
        try {
            return ReasonCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            return ReasonCode.OTHER;
        }
    }

    static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
