package dev.ditto.sources;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A source video as the dashboard shows it. */
public record Source(long id, String origin, @Nullable String originRef, String originalName, String blobKey,
                     long sizeBytes, String status, @Nullable Double durationSeconds, @Nullable Double fps,
                     @Nullable Integer width, @Nullable Integer height, @Nullable String codec,
                     @Nullable String caption, List<String> tags, Map<String, Double> scores, @Nullable String error,
                     int clips, @Nullable String thumbnailKey, Instant createdAt) {}
