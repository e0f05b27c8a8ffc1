package dev.ditto.campaigns;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A campaign and its progress: instructions written, near-duplicates dropped, sources that failed, and the
 * GENERATE jobs of its samples by status.
 */
public record Campaign(long id, String name, String status, String engine, int sources, int perSource, int written,
                       int deduplicated, int failedItems, Map<String, Object> diversity, Map<String, Long> jobs,
                       @Nullable String error, Instant createdAt, @Nullable Instant finishedAt,
                       Map<String, Double> categoryMix, List<String> advice) {}
