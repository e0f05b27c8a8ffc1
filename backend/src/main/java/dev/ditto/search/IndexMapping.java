package dev.ditto.search;

/**
 * The sample index's settings and mapping: only what both the embedded distribution (no analysis-common, no mapper-extras) and
 * a full cluster accept — the {@code standard} analyzer, keywords, floats, dates and an {@code int8_hnsw} vector.
 */
public final class IndexMapping {
    private IndexMapping() {}

    /** Settings and mappings of a new index version; {@code bulkLoading}: no refresh, no replicas. */
    public static String settingsAndMappings(int shards, int replicas, boolean bulkLoading) {
        return """
                {
                  "settings": {
                    "number_of_shards": %d,
                    "number_of_replicas": %d,
                    "refresh_interval": "%s"
                  },
                  "mappings": %s
                }""".formatted(shards, bulkLoading ? 0 : replicas, bulkLoading ? "-1" : "1s", MAPPINGS);
    }

    static final String MAPPINGS = """
            {
              "dynamic": "strict",
              "dynamic_templates": [
                {"judge_scores":  {"path_match": "judge.*",   "mapping": {"type": "float"}}},
                {"run_metrics":   {"path_match": "metrics.*", "mapping": {"type": "float"}}},
                {"probe_scores":  {"path_match": "probe.*",   "mapping": {"type": "float"}}}
              ],
              "properties": {
                "sample_id":      {"type": "long"},
                "source_id":      {"type": "long"},
                "clip_id":        {"type": "long"},
                "instruction_id": {"type": "long"},
                "campaign_id":    {"type": "long"},
                "campaign":       {"type": "keyword"},
                "instruction":    {"type": "text", "analyzer": "standard"},
                "caption":        {"type": "text", "analyzer": "standard"},
                "source_name":    {"type": "keyword", "ignore_above": 512},
                "category":       {"type": "keyword"},
                "status":         {"type": "keyword"},
                "tags":           {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "standard"}}},
                "judge_score":    {"type": "float"},
                "judge": {"type": "object", "dynamic": true, "properties": {
                  "safety":               {"type": "float"},
                  "instruction_following": {"type": "float"},
                  "preservation":         {"type": "float"},
                  "visual_quality":       {"type": "float"},
                  "temporal_consistency": {"type": "float"}
                }},
                "judge_decision":       {"type": "keyword"},
                "judge_engine":         {"type": "keyword"},
                "judge_model":          {"type": "keyword"},
                "judge_prompt_version": {"type": "keyword"},
                "reject_reason":        {"type": "keyword", "ignore_above": 1024},
                "metrics": {"type": "object", "dynamic": true, "properties": {
                  "warp_error":    {"type": "float"},
                  "edge_ssim":     {"type": "float"},
                  "edit_strength": {"type": "float"},
                  "brisque":       {"type": "float"}
                }},
                "probe": {"type": "object", "dynamic": true, "properties": {
                  "motion":       {"type": "float"},
                  "brisque":      {"type": "float"},
                  "people":       {"type": "float"},
                  "faces":        {"type": "float"},
                  "text_overlay": {"type": "float"}
                }},
                "instruction_engine": {"type": "keyword"},
                "instruction_model":  {"type": "keyword"},
                "prompt_version":     {"type": "keyword"},
                "stage_engines":      {"type": "keyword"},
                "stage_models":       {"type": "keyword"},
                "engines":            {"type": "keyword"},
                "runner":             {"type": "keyword"},
                "release_ids":        {"type": "long"},
                "releases":           {"type": "keyword"},
                "keyframe_blob_key":  {"type": "keyword", "index": false, "doc_values": false},
                "created_at": {"type": "date"},
                "updated_at": {"type": "date"},
                "decided_at": {"type": "date"},
                "vector": {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine",
                           "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100}},
                "instruction_vector": %s
              }
            }""".formatted(IndexMapping.INSTRUCTION_VECTOR);

    /**
     * The instruction alone (no caption), for the writer's near-duplicate check: float HNSW, not int8, because its
     * scores are compared against a fixed threshold (0.92) where int8 rounding would move the decision.
     */
    static final String INSTRUCTION_VECTOR = """
            {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine",
             "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100}}""";

    /** Adds {@code instruction_vector} to an index created before it existed (a no-op when it is there). */
    static String instructionVectorMapping() {
        return "{\"properties\": {\"instruction_vector\": " + INSTRUCTION_VECTOR + "}}";
    }
}
