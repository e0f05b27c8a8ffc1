package dev.ditto.sources;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A source video as the dashboard shows it. {@code captionStatus} is where captioning stands (PENDING, CAPTIONING,
 * DONE, REFUSED, FAILED, EDITED; null before PROBE), {@code captionEngine} who wrote the caption (an engine label, or
 * {@code person:<name>} for an edit), {@code captionError} why the vision model's caption was not kept, {@code quarantineReasons} why the probe filters
 * quarantined it (empty unless QUARANTINED, or released by {@code releasedBy}).
 */
public record Source(long id, String origin, @Nullable String originRef, String originalName, String blobKey,
                     long sizeBytes, String status, @Nullable Double durationSeconds, @Nullable Double fps,
                     @Nullable Integer width, @Nullable Integer height, @Nullable String codec,
                     @Nullable String caption, List<String> tags, Map<String, Double> scores, @Nullable String error,
                     int clips, @Nullable String thumbnailKey, Instant createdAt,
                     @Nullable String captionStatus, @Nullable String captionEngine, @Nullable String captionError,
                     List<String> quarantineReasons, @Nullable String releasedBy) {}
