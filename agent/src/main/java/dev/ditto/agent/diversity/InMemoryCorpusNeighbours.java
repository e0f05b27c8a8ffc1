package dev.ditto.agent.diversity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** A brute-force in-memory corpus of unit vectors, for tests, the benchmark and small offline runs. */
public final class InMemoryCorpusNeighbours implements CorpusNeighbours {

    private record Entry(@Nullable String sourceId, float[] vector) {}

    private final List<Entry> entries = new ArrayList<>();

    /** Adds vectors of no particular source (normalised on the way in). */
    public synchronized void addAll(Collection<float[]> added) {
        for (float[] v : added) {
            entries.add(new Entry(null, Vectors.normalised(v)));
        }
    }

    /** Adds vectors of instructions written for {@code sourceId}. */
    public synchronized void addAll(String sourceId, Collection<float[]> added) {
        for (float[] v : added) {
            entries.add(new Entry(sourceId, Vectors.normalised(v)));
        }
    }

    /** How many vectors are stored. */
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized List<Double> nearestSimilarities(float[] vector, int k) {
        return nearest(vector, k, e -> true);
    }

    @Override
    public synchronized List<Double> nearestSimilaritiesForSource(String sourceId, float[] vector, int k) {
        return nearest(vector, k, e -> e.sourceId() == null || e.sourceId().equals(sourceId));
    }

    private List<Double> nearest(float[] vector, int k, Predicate<Entry> scope) {
        float[] query = Vectors.normalised(vector);
        PriorityQueue<Double> best = new PriorityQueue<>();
        for (Entry e : entries) {
            if (!scope.test(e)) {
                continue;
            }
            double sim = Vectors.dot(query, e.vector());
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
