package dev.ditto.search;

import org.jspecify.annotations.Nullable;

/** Count, min, max and mean of one score over the matching samples that have it. */
public record ScoreSummary(ScoreField field, long count, @Nullable Double min, @Nullable Double max,
                           @Nullable Double mean) {}
