package dev.ditto.search;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Builds the search documents of samples from PostgreSQL, one query per batch. The vector is
 * {@code normalise(instruction + captionWeight × caption)} in MiniLM space: the instruction's stored embedding when
 * it has one (so a rebuild does not embed a million instructions again), else computed; captions are embedded once
 * per batch and kept in a small cache, since a source's caption is shared by all its samples. The instruction's own
 * vector goes into {@code instruction_vector} too, for the writer's near-duplicate check.
 */
@Component
class SampleDocuments {
    private static final int CAPTION_CACHE = 20_000;

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final TextEmbedder embedder;
    private final float captionWeight;
    private final Map<String, float[]> captionVectors = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CAPTION_CACHE;
        }
    };

    SampleDocuments(JdbcClient jdbc, ObjectMapper json, TextEmbedder embedder, SearchProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.embedder = embedder;
        this.captionWeight = properties.index().captionWeight();
    }

    /** Documents of the samples that exist, by sample id; ids of deleted samples are simply absent. */
    Map<Long, Map<String, Object>> load(Collection<Long> sampleIds) {
        if (sampleIds.isEmpty()) {
            return Map.of();
        }
        List<Row> rows = jdbc.sql("""
                select s.id, s.source_id, s.clip_id, s.instruction_id, s.campaign_id, c.name as campaign,
                       s.status, s.category, s.tags, s.metrics::text as metrics, s.provenance::text as provenance,
                       s.verdict::text as verdict, s.judge_score, s.judge_engine, s.reject_reason, s.keyframe_blob_key,
                       s.created_at, s.updated_at, s.decided_at, r.name as runner,
                       i.text as instruction, i.engine as instruction_engine, i.model as instruction_model,
                       i.prompt_version, i.embedding,
                       src.caption, src.tags as source_tags, src.scores::text as source_scores, src.original_name,
                       a.scores::text as clip_scores,
                       rel.ids as release_ids, rel.names as releases
                from samples s
                join instructions i on i.id = s.instruction_id
                join sources src on src.id = s.source_id
                left join source_assets a on a.id = s.clip_id
                left join campaigns c on c.id = s.campaign_id
                left join runners r on r.id = s.generated_by
                left join lateral (
                    select array_agg(rs.release_id order by rs.release_id) as ids,
                           array_agg(rl.name || '@' || rl.version order by rs.release_id) as names
                    from release_samples rs join releases rl on rl.id = rs.release_id
                    where rs.sample_id = s.id) rel on true
                where s.id = any(:ids)""")
                .param("ids", sampleIds.toArray(Long[]::new))
                .query((rs, i) -> Row.of(rs)).list();
        Map<Long, float[]> instructionVectors = instructionVectors(rows);
        Map<Long, float[]> vectors = vectors(rows, instructionVectors);
        Map<Long, Map<String, Object>> docs = new HashMap<>(rows.size() * 2);
        for (Row row : rows) {
            docs.put(row.id, document(row, vectors.get(row.id), instructionVectors.get(row.id)));
        }
        return docs;
    }

    /** Ids of all samples after {@code afterId}, in id order, at most {@code limit}: the reindex stream. */
    List<Long> idsAfter(long afterId, int limit) {
        return jdbc.sql("select id from samples where id > :after order by id limit :limit")
                .param("after", afterId).param("limit", limit).query(Long.class).list();
    }

    long count() {
        return jdbc.sql("select count(*) from samples").query(Long.class).single();
    }

    /** Each row's instruction vector alone: its stored embedding when it has one, else computed. */
    private Map<Long, float[]> instructionVectors(List<Row> rows) {
        List<Row> missing = rows.stream().filter(r -> r.embedding == null).toList();
        Map<Long, float[]> instruction = new HashMap<>();
        if (!missing.isEmpty()) {
            List<float[]> computed = embedder.embedAll(missing.stream().map(r -> r.instruction).toList());
            for (int i = 0; i < missing.size(); i++) {
                instruction.put(missing.get(i).id, computed.get(i));
            }
        }
        for (Row row : rows) {
            if (row.embedding != null) {
                instruction.put(row.id, VectorMath.normalised(row.embedding));
            }
        }
        return instruction;
    }

    private Map<Long, float[]> vectors(List<Row> rows, Map<Long, float[]> instruction) {
        Map<String, float[]> captions = captionVectors(rows);
        Map<Long, float[]> out = new HashMap<>();
        for (Row row : rows) {
            float[] base = instruction.get(row.id);
            float[] caption = row.caption == null ? null : captions.get(row.caption);
            out.put(row.id, caption == null || captionWeight == 0 ? base : VectorMath.blend(base, caption, captionWeight));
        }
        return out;
    }

    private Map<String, float[]> captionVectors(List<Row> rows) {
        Set<String> wanted = new LinkedHashSet<>();
        rows.stream().map(r -> r.caption).filter(c -> c != null && !c.isBlank()).forEach(wanted::add);
        Map<String, float[]> found = new HashMap<>();
        List<String> toEmbed = new ArrayList<>();
        synchronized (captionVectors) {
            for (String caption : wanted) {
                float[] v = captionVectors.get(caption);
                if (v != null) {
                    found.put(caption, v);
                } else {
                    toEmbed.add(caption);
                }
            }
        }
        if (!toEmbed.isEmpty()) {
            List<float[]> computed = embedder.embedAll(toEmbed);
            synchronized (captionVectors) {
                for (int i = 0; i < toEmbed.size(); i++) {
                    found.put(toEmbed.get(i), computed.get(i));
                    captionVectors.put(toEmbed.get(i), computed.get(i));
                }
            }
        }
        return found;
    }

    private Map<String, Object> document(Row row, float[] vector, float[] instructionVector) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("sample_id", row.id);
        doc.put("source_id", row.sourceId);
        doc.put("clip_id", row.clipId);
        doc.put("instruction_id", row.instructionId);
        putIfPresent(doc, "campaign_id", row.campaignId);
        putIfPresent(doc, "campaign", row.campaign);
        doc.put("instruction", row.instruction);
        putIfPresent(doc, "caption", row.caption);
        putIfPresent(doc, "source_name", row.originalName);
        doc.put("category", row.category);
        doc.put("status", row.status);
        Set<String> tags = new LinkedHashSet<>(row.tags);
        tags.addAll(row.sourceTags);
        doc.put("tags", List.copyOf(tags));

        Set<String> engines = new LinkedHashSet<>();
        engines.add(row.instructionEngine);
        doc.put("instruction_engine", row.instructionEngine);
        doc.put("instruction_model", row.instructionModel);
        doc.put("prompt_version", row.promptVersion);

        JsonNode verdict = parse(row.verdict);
        Map<String, Double> judge = new LinkedHashMap<>();
        Double overall = row.judgeScore;
        String judgeEngine = row.judgeEngine;
        if (verdict != null) {
            JsonNode scores = verdict.path("scores");
            for (var entry : scores.properties()) {
                JsonNode v = entry.getValue();
                JsonNode number = v.isNumber() ? v : v.has("value") ? v.get("value") : v.get("score");
                if (number != null && number.isNumber()) {
                    judge.put(fieldName(entry.getKey()), number.asDouble());
                }
            }
            if (overall == null && verdict.path("overall").isNumber()) {
                overall = verdict.path("overall").asDouble();
            }
            putText(doc, "judge_decision", verdict.path("decision"));
            putText(doc, "judge_model", verdict.path("model"));
            putText(doc, "judge_prompt_version", verdict.has("promptVersion") ? verdict.path("promptVersion") : verdict.path("prompt_version"));
            if (judgeEngine == null && verdict.path("engine").isString()) {
                judgeEngine = verdict.path("engine").asString();
            }
        }
        putIfPresent(doc, "judge_score", overall);
        if (!judge.isEmpty()) {
            doc.put("judge", judge);
        }
        if (judgeEngine != null) {
            doc.put("judge_engine", judgeEngine);
            engines.add(judgeEngine);
        }
        putIfPresent(doc, "reject_reason", row.rejectReason);

        Map<String, Double> metrics = numbers(parse(row.metrics));
        if (!metrics.isEmpty()) {
            doc.put("metrics", metrics);
        }
        Map<String, Double> probe = numbers(parse(row.sourceScores));
        probe.putAll(numbers(parse(row.clipScores)));
        if (!probe.isEmpty()) {
            doc.put("probe", probe);
        }

        JsonNode provenance = parse(row.provenance);
        String runner = row.runner;
        Set<String> stageEngines = new LinkedHashSet<>();
        Set<String> stageModels = new LinkedHashSet<>();
        if (provenance != null) {
            if (runner == null && provenance.path("runner").isString()) {
                runner = provenance.path("runner").asString();
            }
            for (JsonNode stage : provenance.path("stages")) {
                if (stage.path("engine").isString()) {
                    stageEngines.add(stage.path("engine").asString());
                }
                if (stage.path("model").isString()) {
                    stageModels.add(stage.path("model").asString());
                }
            }
        }
        engines.addAll(stageEngines);
        doc.put("stage_engines", List.copyOf(stageEngines));
        doc.put("stage_models", List.copyOf(stageModels));
        doc.put("engines", List.copyOf(engines));
        putIfPresent(doc, "runner", runner);
        doc.put("release_ids", row.releaseIds);
        doc.put("releases", row.releases);
        putIfPresent(doc, "keyframe_blob_key", row.keyframeBlobKey);
        doc.put("created_at", row.createdAt.toInstant().toString());
        doc.put("updated_at", row.updatedAt.toInstant().toString());
        if (row.decidedAt != null) {
            doc.put("decided_at", row.decidedAt.toInstant().toString());
        }
        doc.put("vector", new JsonVector(vector));
        doc.put("instruction_vector", new JsonVector(instructionVector));
        return doc;
    }

    private @Nullable JsonNode parse(@Nullable String text) {
        return text == null ? null : json.readTree(text);
    }

    private static Map<String, Double> numbers(@Nullable JsonNode node) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            for (var entry : node.properties()) {
                if (entry.getValue().isNumber() && Double.isFinite(entry.getValue().asDouble())) {
                    out.put(fieldName(entry.getKey()), entry.getValue().asDouble());
                }
            }
        }
        return out;
    }

    /**
     * JSON keys become lower_snake field names, so {@code INSTRUCTION_FOLLOWING} and {@code edgeSsim} map cleanly. The
     * keys are the few dozen metric and score names, met in every document: converted once each (two regular
     * expressions per key per document were a tenth of the indexer's CPU).
     */
    static String fieldName(String key) {
        String known = FIELD_NAMES.get(key);
        if (known != null) {
            return known;
        }
        String snake = CAMEL_HUMP.matcher(key).replaceAll("$1_$2");
        snake = NOT_FIELD_CHAR.matcher(snake).replaceAll("_").toLowerCase(Locale.ROOT);
        if (FIELD_NAMES.size() < FIELD_NAME_CACHE) {
            FIELD_NAMES.put(key, snake);
        }
        return snake;
    }

    private static final int FIELD_NAME_CACHE = 10_000;
    private static final ConcurrentHashMap<String, String> FIELD_NAMES = new ConcurrentHashMap<>();
    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern NOT_FIELD_CHAR = Pattern.compile("[^A-Za-z0-9_]");

    private static void putIfPresent(Map<String, Object> doc, String field, @Nullable Object value) {
        if (value != null) {
            doc.put(field, value);
        }
    }

    private static void putText(Map<String, Object> doc, String field, JsonNode node) {
        if (node.isString() && !node.asString().isBlank()) {
            doc.put(field, node.asString());
        }
    }

    private record Row(long id, long sourceId, long clipId, long instructionId, @Nullable Long campaignId,
                       @Nullable String campaign, String status, String category, List<String> tags,
                       @Nullable String metrics, @Nullable String provenance, @Nullable String verdict,
                       @Nullable Double judgeScore, @Nullable String judgeEngine, @Nullable String rejectReason,
                       @Nullable String keyframeBlobKey, Timestamp createdAt, Timestamp updatedAt,
                       @Nullable Timestamp decidedAt, @Nullable String runner, String instruction,
                       String instructionEngine, String instructionModel, String promptVersion,
                       float @Nullable [] embedding, @Nullable String caption, List<String> sourceTags,
                       @Nullable String sourceScores, String originalName, @Nullable String clipScores,
                       List<Long> releaseIds, List<String> releases) {

        static Row of(ResultSet rs) throws SQLException {
            return new Row(rs.getLong("id"), rs.getLong("source_id"), rs.getLong("clip_id"), rs.getLong("instruction_id"),
                    rs.getObject("campaign_id", Long.class), rs.getString("campaign"), rs.getString("status"),
                    rs.getString("category"), strings(rs.getArray("tags")), rs.getString("metrics"),
                    rs.getString("provenance"), rs.getString("verdict"), rs.getObject("judge_score") == null ? null
                    : rs.getDouble("judge_score"), rs.getString("judge_engine"), rs.getString("reject_reason"),
                    rs.getString("keyframe_blob_key"), rs.getTimestamp("created_at"), rs.getTimestamp("updated_at"),
                    rs.getTimestamp("decided_at"), rs.getString("runner"), rs.getString("instruction"),
                    rs.getString("instruction_engine"), rs.getString("instruction_model"), rs.getString("prompt_version"),
                    floats(rs.getArray("embedding")), rs.getString("caption"), strings(rs.getArray("source_tags")),
                    rs.getString("source_scores"), rs.getString("original_name"), rs.getString("clip_scores"),
                    longs(rs.getArray("release_ids")), strings(rs.getArray("releases")));
        }

        private static List<String> strings(@Nullable Array array) throws SQLException {
            if (array == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Object o : (Object[]) array.getArray()) {
                if (o != null) {
                    out.add(o.toString());
                }
            }
            return out;
        }

        private static List<Long> longs(@Nullable Array array) throws SQLException {
            if (array == null) {
                return List.of();
            }
            List<Long> out = new ArrayList<>();
            for (Object o : (Object[]) array.getArray()) {
                out.add(((Number) o).longValue());
            }
            return out;
        }

        private static float @Nullable [] floats(@Nullable Array array) throws SQLException {
            if (array == null) {
                return null;
            }
            Object[] values = (Object[]) array.getArray();
            if (values.length != TextEmbedder.DIMENSIONS) {
                return null;
            }
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i] == null ? 0f : ((Number) values[i]).floatValue();
            }
            return out;
        }
    }
}
