package dev.ditto.agent.diversity;

import java.util.List;

/**
 * Similarities of a vector's nearest neighbours among instructions already in the corpus; the backend implements
 * it with an Elasticsearch kNN query over instruction vectors and decides its scope.
 */
@FunctionalInterface
public interface CorpusNeighbours {

    /** Cosine similarities (-1..1) of the {@code k} nearest stored instructions, highest first; empty if none. */
    List<Double> nearestSimilarities(float[] vector, int k);

    /** A corpus with nothing in it, for a first campaign or offline runs. */
    static CorpusNeighbours none() {
        return (vector, k) -> List.of();
    }
}
