package dev.ditto.search;

import java.util.List;

/** Counts of matching samples per value of one field ({@code judge_score_histogram}: per 0.1-wide bin, by lower bound). */
public record Facet(String field, List<Bucket> buckets) {
    public Facet {
        buckets = List.copyOf(buckets);
    }

    /** The count of {@code value}, 0 when absent. */
    public long count(String value) {
        return buckets.stream().filter(b -> b.value().equals(value)).mapToLong(Bucket::count).findFirst().orElse(0);
    }

    /** One value and how many matching samples have it. */
    public record Bucket(String value, long count) {}
}
