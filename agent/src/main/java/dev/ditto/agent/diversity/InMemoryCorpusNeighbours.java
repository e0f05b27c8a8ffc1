package dev.ditto.agent.diversity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;

/** A brute-force in-memory corpus of unit vectors, for tests, the benchmark and small offline runs. */
public final class InMemoryCorpusNeighbours implements CorpusNeighbours {

    private final List<float[]> vectors = new ArrayList<>();

    /** Adds vectors (normalised on the way in). */
    public synchronized void addAll(Collection<float[]> added) {
        for (float[] v : added) {
            vectors.add(Vectors.normalised(v));
        }
    }

    /** How many vectors are stored. */
    public synchronized int size() {
        return vectors.size();
    }

    @Override
    public synchronized List<Double> nearestSimilarities(float[] vector, int k) {
        float[] query = Vectors.normalised(vector);
        PriorityQueue<Double> best = new PriorityQueue<>();
        for (float[] v : vectors) {
            double sim = Vectors.dot(query, v);
            if (best.size() < k) {
                best.add(sim);
            } else if (sim > best.peek()) {
                best.poll();
                best.add(sim);
            }
        }
        List<Double> result = new ArrayList<>(best);
        result.sort((a, b) -> Double.compare(b, a));
        return result;
    }
}
