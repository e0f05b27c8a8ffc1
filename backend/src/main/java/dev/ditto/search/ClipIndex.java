package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import dev.ditto.platform.DittoProperties;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The clip embeddings in Elasticsearch ({@code <prefix>clips}, one document per clip, id = clip id): nearest-neighbour
 * search for near-duplicate sources without comparing every pair. PostgreSQL ({@code source_assets.embedding}) is the
 * truth; {@code embedding_indexed} marks what the index has, and a sweep ({@code ditto.search.clips.sweep-ms}, default
 * 30 s) indexes whatever is missing (a clip probed while Elasticsearch was down); when the index has to be created (first
 * start, or its data was lost) every stored embedding is marked missing, so the sweep refills it.
 */
@Component
public class ClipIndex {
    private static final Logger log = LoggerFactory.getLogger(ClipIndex.class);
    /** Dimensions of a clip embedding (the probe's MobileNetV2 backbone features). */
    public static final int DIMENSIONS = 1280;
    private static final int SWEEP_BATCH = 500;

    private final ElasticsearchClient client;
    private final JdbcClient jdbc;
    private final String name;
    private final int replicas;
    private volatile boolean exists;

    ClipIndex(ElasticsearchClient client, JdbcClient jdbc, DittoProperties ditto, SearchProperties properties) {
        this.client = client;
        this.jdbc = jdbc;
        this.name = ditto.search().indexPrefix() + "clips";
        // the same replicas as the sample index: the clips must outlive a lost node too
        this.replicas = SampleIndex.replicas(ditto, properties);
    }

    /** A clip's embedding. */
    public record ClipVector(long sourceId, long clipId, float[] embedding) {}

    /** A clip near the query, with its cosine similarity. */
    public record Neighbour(long sourceId, long clipId, double cosine) {}

    /** The index's name. */
    public String name() {
        return name;
    }

    /**
     * Indexes the clips and makes them searchable before returning (so the next probe's decision sees them), then marks
     * them indexed in PostgreSQL. Throws when Elasticsearch does not take them all.
     */
    public void index(List<ClipVector> clips) throws IOException {
        if (clips.isEmpty()) {
            return;
        }
        ensure();
        List<BulkOperation> ops = new ArrayList<>();
        for (ClipVector c : clips) {
            Map<String, Object> doc = Map.of("source_id", c.sourceId(), "clip_id", c.clipId(), "embedding", c.embedding());

            ops.add(BulkOperation.of(b -> b.index(i -> i.index(name).id(String.valueOf(c.clipId())).document(doc))));
        }
        BulkResponse response = client.bulk(b -> b.operations(ops).refresh(Refresh.WaitFor));
        if (response.errors()) {
            String first = response.items().stream().filter(i -> i.error() != null).map(i -> i.error().reason())
                    .findFirst().orElse("unknown");
            throw new IOException("Elasticsearch refused clip embeddings: " + first);
        }
        jdbc.sql("update source_assets set embedding_indexed = true where id = any(:ids)")
                .param("ids", clips.stream().map(ClipVector::clipId).toArray(Long[]::new)).update();
    }

    /**
     * The {@code k} clips nearest to {@code embedding} with cosine at least {@code minCosine}, of sources other than
     * {@code sourceId} (and below {@code belowSourceId} when given), nearest first.
     */
    public List<Neighbour> nearest(float[] embedding, int k, double minCosine, long sourceId, @Nullable Long belowSourceId)
            throws IOException {
        ensure();
        List<Float> vector = new ArrayList<>(embedding.length);
        for (float v : embedding) {
            vector.add(v);
        }
        // Elasticsearch scores cosine as (1 + cos) / 2
        float minScore = (float) ((1 + minCosine) / 2);
        var response = client.search(s -> s.index(name).size(k).source(src -> src.filter(f -> f.includes("source_id")))
                .knn(knn -> {
                    knn.field("embedding").queryVector(vector).k(k).numCandidates(Math.max(50, k * 10))
                            .similarity((float) minCosine)
                            .filter(f -> f.bool(b -> b.mustNot(m -> m.term(t -> t.field("source_id").value(sourceId)))));
                    if (belowSourceId != null) {
                        knn.filter(f -> f.range(r -> r.number(n -> n.field("source_id").lt((double) belowSourceId))));
                    }
                    return knn;
                }), Map.class);
        List<Neighbour> out = new ArrayList<>();
        for (var hit : response.hits().hits()) {
            double score = hit.score() == null ? 0 : hit.score();
            if (score + 1e-6 < minScore) {
                continue;
            }
            long source = ((Number) java.util.Objects.requireNonNull(hit.source()).get("source_id")).longValue();
            out.add(new Neighbour(source, Long.parseLong(hit.id()), 2 * score - 1));
        }
        return out;
    }

    /** Removes a clip's document (its embedding stays in PostgreSQL). */
    public void delete(long clipId) throws IOException {
        ensure();
        client.delete(d -> d.index(name).id(String.valueOf(clipId)).refresh(Refresh.WaitFor));
    }

    /** Indexes clips whose embedding the index does not have yet; the number indexed. */
    public int sweep() throws IOException {
        int total = 0;
        while (true) {
            List<ClipVector> batch = jdbc.sql("""
                    select source_id, id, embedding from source_assets
                    where kind = 'CLIP' and embedding is not null and not embedding_indexed order by id limit :n""")
                    .param("n", SWEEP_BATCH)
                    .query((rs, i) -> new ClipVector(rs.getLong(1), rs.getLong(2), floats(rs.getArray(3)))).list();
            if (batch.isEmpty()) {
                return total;
            }
            index(batch);
            total += batch.size();
        }
    }

    @Scheduled(fixedDelayString = "${ditto.search.clips.sweep-ms:30000}", initialDelayString = "${ditto.search.clips.sweep-ms:30000}")
    void sweepScheduled() {
        try {
            int n = sweep();
            if (n > 0) {
                log.info("Indexed {} clip embedding(s) that the clip index was missing", n);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Clip embedding sweep did not run: {}", e.getMessage());
        }
    }

    public static float[] floats(java.sql.Array array) throws java.sql.SQLException {
        Object raw = array.getArray();
        if (raw instanceof Float[] boxed) {
            float[] out = new float[boxed.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = boxed[i];
            }
            return out;
        }
        throw new java.sql.SQLException("embedding is not a real[]: " + raw.getClass());
    }

    private void ensure() throws IOException {
        if (exists) {
            return;
        }
        if (!client.indices().exists(e -> e.index(name)).value()) {
            String json = """
                    {"settings": {"number_of_shards": 1, "number_of_replicas": %d},
                     "mappings": {"dynamic": "strict", "properties": {
                       "source_id": {"type": "long"},
                       "clip_id":   {"type": "long"},
                       "embedding": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine"}}}}"""
                    .formatted(replicas, DIMENSIONS);
            try {
                client.indices().create(c -> c.index(name).withJson(new StringReader(json)));
                // a new (or lost, or wiped) index has nothing: the sweep refills it from PostgreSQL
                int pending = jdbc.sql("update source_assets set embedding_indexed = false where embedding_indexed").update();
                log.info("Created the clip embedding index {}; {} clip embedding(s) to index", name, pending);
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        }
        exists = true;
    }
}
