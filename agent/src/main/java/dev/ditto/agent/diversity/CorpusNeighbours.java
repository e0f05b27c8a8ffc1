package dev.ditto.agent.diversity;

import java.util.List;

/**
 * Similarities of a vector's nearest neighbours among instructions already in the corpus; the backend implements
 * it with an Elasticsearch kNN query over instruction vectors and decides its scope.
 *
 * <p>Two scopes, because Ditto-1M-style data applies the same edit to many sources: one instruction on two different
 * sources is two legitimate samples, so only instructions of the same source make a candidate a near-duplicate,
 * while the whole corpus only lowers a candidate's novelty (maximal marginal relevance prefers rarer edits).
 */
@FunctionalInterface
public interface CorpusNeighbours {

    /** Cosine similarities (-1..1) of the {@code k} nearest stored instructions of any source, highest first. */
    List<Double> nearestSimilarities(float[] vector, int k);

    /**
     * Cosine similarities of the {@code k} nearest stored instructions written for {@code sourceId}, highest first;
     * a corpus that does not know sources answers over all of them (the stricter choice).
     */
    default List<Double> nearestSimilaritiesForSource(String sourceId, float[] vector, int k) {
        return nearestSimilarities(vector, k);
    }

    /** A corpus with nothing in it, for a first campaign or offline runs. */
    static CorpusNeighbours none() {
        return (vector, k) -> List.of();
    }
}
