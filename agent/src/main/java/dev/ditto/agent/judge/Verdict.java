package dev.ditto.agent.judge;

import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A judge's raw per-criterion scores with reasons, the weighted overall score and the decision thresholds gave,
 * with the engine, model and prompt version that judged (so thresholds can change without judging again).
 */
public record Verdict(
        Map<Criterion, Score> scores,
        double overall,
        Decision decision,
        @Nullable String reason,
        String engine,
        String model,
        String promptVersion) {

    public Verdict {
        for (Criterion c : Criterion.values()) {
            if (!scores.containsKey(c)) {
                throw new IllegalArgumentException("verdict lacks a score for " + c.wireName());
            }
        }
        scores = Map.copyOf(new EnumMap<>(scores));
    }

    /** The score of one criterion. */
    public Score score(Criterion criterion) {
        return scores.get(criterion);
    }

    /** Whether the sample goes to the curators' queue. */
    public boolean accepted() {
        return decision == Decision.ACCEPT_TO_QUEUE;
    }
}
