package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * kNN over the instructions of indexed samples, on {@code instruction_vector} (the instruction alone, not the
 * caption-blended {@code vector} search ranks by): the corpus side of the writer's near-duplicate check.
 */
@Service
public class IndexedInstructions {
    private static final int MIN_CANDIDATES = 100;

    private final SampleIndex index;
    private final ElasticsearchClient client;

    IndexedInstructions(SampleIndex index) {
        this.index = index;
        this.client = index.client();
    }

    /**
     * Cosine similarities of the {@code k} nearest indexed instructions, highest first, of {@code sourceId}'s samples
     * when given, else of all; empty while no sample has been indexed.
     *
     * @throws IOException when Elasticsearch cannot be reached (callers fall back to their own window)
     */
    public List<Double> nearestSimilarities(float[] vector, int k, @Nullable Long sourceId) throws IOException {
        List<Float> query = new ArrayList<>(vector.length);
        for (float f : VectorMath.normalised(vector)) {
            query.add(f);
        }
        SearchResponse<Void> response;
        try {
            response = client.search(s -> s.index(index.alias()).size(k).source(src -> src.fetch(false))
                    .knn(knn -> {
                        knn.field("instruction_vector").queryVector(query).k(k).numCandidates(Math.max(MIN_CANDIDATES, 10 * k));
                        if (sourceId != null) {
                            knn.filter(Query.of(q -> q.term(t -> t.field("source_id").value(sourceId))));
                        }
                        return knn;
                    }), Void.class);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of(); // no sample indexed yet: the alias does not exist
            }
            throw e;
        }
        List<Double> similarities = new ArrayList<>();
        for (Hit<Void> hit : response.hits().hits()) {
            if (hit.score() != null) {
                // a cosine field scores (1 + cos) / 2
                similarities.add(2 * hit.score() - 1);
            }
        }
        return similarities;
    }
}
