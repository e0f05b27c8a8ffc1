package dev.ditto.curation;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One of a curator's own past decisions, for navigating back through what they reviewed. */
public record HistoryEntry(long reviewId, long sampleId, ReviewDecision decision, @Nullable ReasonCode reason,
                           @Nullable String note, Instant at, @Nullable Instant undoneAt, String sampleStatus,
                           String instruction) {}
