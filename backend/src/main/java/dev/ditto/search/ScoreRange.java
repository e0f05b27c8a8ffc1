package dev.ditto.search;

import org.jspecify.annotations.Nullable;

/** Keep samples whose {@code field} lies within [min, max]; an open end is null. */
public record ScoreRange(ScoreField field, @Nullable Double min, @Nullable Double max) {
    public ScoreRange {
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("score range of " + field + " is empty: min " + min + " > max " + max);
        }
    }

    /** At least {@code min}. */
    public static ScoreRange atLeast(ScoreField field, double min) {
        return new ScoreRange(field, min, null);
    }

    /** At most {@code max}. */
    public static ScoreRange atMost(ScoreField field, double max) {
        return new ScoreRange(field, null, max);
    }
}
