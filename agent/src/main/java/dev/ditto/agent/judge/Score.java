package dev.ditto.agent.judge;

/** One criterion's score in 0..1 (higher is better) and the reason for it. */
public record Score(double value, String reason) {

    public Score {
        if (Double.isNaN(value) || value < 0 || value > 1) {
            throw new IllegalArgumentException("score must be within 0..1, was " + value);
        }
    }

    /** A score clamped into 0..1. */
    public static Score clamped(double value, String reason) {
        return new Score(Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value)), reason);
    }
}
