package dev.ditto.search;

/**
 * The sample index's settings and mapping: only what both the embedded distribution (no analysis-common, no mapper-extras) and
 * a full cluster accept — the {@code standard} analyzer (less English stop words), keywords, floats, dates and a
 * {@code bbq_hnsw} or {@code bbq_disk} vector ({@link VectorIndex}).
 * <p>
 * {@code bbq_hnsw} (Elasticsearch 9's own default for 384 dimensions, basic licence, present in the embedded distribution)
 * keeps one bit per dimension in the graph, so building and merging graphs compares 48-byte codes instead of 384 floats,
 * and only the few candidates a query rescores ({@code oversample} × k) read the float vectors from disk. At a million
 * samples that is ≈ 50 MB of codes to keep hot instead of ≈ 400 MB of int8 vectors.
 */
public final class IndexMapping {
    private IndexMapping() {}

    /**
     * Shards of a new version on the embedded node: a single node searches a query's shards in parallel, one thread
     * each, so two shards let a query use both cores of a small machine. More would split the facets' best matches
     * and the per-shard work further without a core to run them on; a larger machine can set
     * {@code ditto.search.index.shards}.
     */
    public static int embeddedShards(int processors) {
        return processors >= 2 ? 2 : 1;
    }

    /**
     * Settings and mappings of a new index version; {@code bulkLoading}: no refresh, no replicas, an asynchronous
     * translog, until {@link BulkLoad#finish} restores them.
     */
    public static String settingsAndMappings(int shards, int replicas, boolean bulkLoading, VectorIndex vectors) {
        return settingsAndMappings(shards, replicas, bulkLoading, vectors.options());
    }

    /** {@link #settingsAndMappings(int, int, boolean, VectorIndex)} with the vector fields' {@code index_options}. */
    static String settingsAndMappings(int shards, int replicas, boolean bulkLoading, String vectorOptions) {
        return settingsAndMappings(shards, replicas, bulkLoading, vectorOptions, "1s");
    }

    /** ... and a refresh every {@code refreshInterval} (an Elasticsearch time value) once it is live. */
    static String settingsAndMappings(int shards, int replicas, boolean bulkLoading, String vectorOptions,
                                      String refreshInterval) {
        return """
                {
                  "settings": {
                    "number_of_shards": %d,
                    "number_of_replicas": %d,
                    "refresh_interval": "%s",
                    "translog.durability": "%s",
                    "analysis": {"analyzer": {"%s": {"type": "standard", "stopwords": "_english_"}}}
                  },
                  "mappings": %s
                }""".formatted(shards, bulkLoading ? 0 : replicas, bulkLoading ? "-1" : refreshInterval,
                bulkLoading ? "async" : "request", TEXT_ANALYZER, mappings(vectorOptions));
    }

    /**
     * The {@code standard} analyzer without English stop words: "replace the car" must not match every instruction
     * that says "the", which in a million samples is nearly all of them; that made each text query score and facet
     * the whole index. The {@code english} analyzer would also stem, but it lives in analysis-common, which the
     * embedded distribution lacks.
     */
    static final String TEXT_ANALYZER = "text_without_stopwords";

    /** How the vectors are indexed; public so the search benchmark can report it (and try others). */
    public static final String VECTOR_INDEX_OPTIONS = hnswOptions(16, 100);

    /**
     * {@code bbq_hnsw} with {@code m} links per vector and a candidate list of {@code efConstruction} while building
     * the graph ({@code ditto.search.index.hnsw-m} / {@code hnsw-ef-construction}).
     */
    static String hnswOptions(int m, int efConstruction) {
        if (m < 2 || efConstruction < 1) {
            throw new IllegalArgumentException("ditto.search.index.hnsw-m must be at least 2 and hnsw-ef-construction at least 1, not "
                    + m + " / " + efConstruction);
        }
        return "{\"type\": \"bbq_hnsw\", \"m\": %d, \"ef_construction\": %d, \"rescore_vector\": {\"oversample\": 3.0}}"
                .formatted(m, efConstruction);
    }

    /**
     * How a new index version stores its vectors ({@code ditto.search.index.vector-index}).
     * <ul>
     * <li>{@code BBQ_HNSW} (the default on a configured cluster): an HNSW graph over one-bit codes. Basic licence,
     * every Elasticsearch 9.</li>
     * <li>{@code BBQ_DISK}: DiskBBQ, clusters of one-bit codes (hierarchical k-means) instead of a graph. At a million
     * samples on 2 cores it bulk-loads 2.3× faster and force-merges 7× faster than HNSW, at a similar query time. It
     * is licence-free on the embedded Elasticsearch 9.2 (the default there); from 9.3 on, writing it needs an
     * Enterprise licence.</li>
     * </ul>
     */
    public enum VectorIndex {
        BBQ_HNSW(VECTOR_INDEX_OPTIONS),
        BBQ_DISK("{\"type\": \"bbq_disk\", \"rescore_vector\": {\"oversample\": 3.0}}");

        private final String options;

        VectorIndex(String options) {
            this.options = options;
        }

        /** The {@code index_options} of the vector fields. */
        public String options() {
            return options;
        }

        /** The {@code index_options}, the HNSW graph built with {@code m} and {@code efConstruction} (DiskBBQ has none). */
        public String options(int m, int efConstruction) {
            return this == BBQ_HNSW ? hnswOptions(m, efConstruction) : options;
        }
    }

    /**
     * The instruction alone (no caption), for the writer's near-duplicate check against a fixed threshold (0.92).
     * Quantised like {@code vector}, but {@code rescore_vector} recomputes the returned hits' scores on the float
     * vectors, so the threshold decision is not moved by the quantisation.
     */
    static String instructionVector(String vectorOptions) {
        return """
            {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine",
             "index_options": %s}""".formatted(vectorOptions);
    }

    /**
     * The mapping. {@code instruction} and {@code caption} keep offsets in their postings so the highlighter reads them
     * there instead of analysing every hit's text again (highlighting was a third of a page's query time).
     */
    static String mappings(String vectorOptions) {
        return """
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
                "instruction":    {"type": "text", "analyzer": "text_without_stopwords", "index_options": "offsets"},
                "caption":        {"type": "text", "analyzer": "text_without_stopwords", "index_options": "offsets"},
                "source_name":    {"type": "keyword", "ignore_above": 512},
                "category":       {"type": "keyword"},
                "status":         {"type": "keyword"},
                "tags":           {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "text_without_stopwords"}}},
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
                           "index_options": %s},
                "instruction_vector": %s
              }
            }""".formatted(vectorOptions, instructionVector(vectorOptions));
    }

    /** Adds {@code instruction_vector} to an index created before it existed (a no-op when it is there). */
    static String instructionVectorMapping(String vectorOptions) {
        return "{\"properties\": {\"instruction_vector\": " + instructionVector(vectorOptions) + "}}";
    }
}
