package dev.ditto.agent.judge;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Minimum score per criterion and overall, and the weights of the overall score; {@link #decide} turns raw scores
 * into a verdict, so stored scores can be decided again under new thresholds.
 */
public record JudgeThresholds(Map<Criterion, Double> minimums, double overallMinimum, Map<Criterion, Double> weights) {

    public JudgeThresholds {
        minimums = Map.copyOf(minimums);
        weights = Map.copyOf(weights);
        if (weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("weights must sum to more than 0");
        }
    }

    /** Safety must be clean; the others need a fair score; overall 0.45. */
    public static JudgeThresholds defaults() {
        return new JudgeThresholds(
                Map.of(Criterion.SAFETY, 0.5, Criterion.INSTRUCTION_FOLLOWING, 0.35, Criterion.PRESERVATION, 0.3,
                        Criterion.VISUAL_QUALITY, 0.3, Criterion.TEMPORAL_CONSISTENCY, 0.35),
                0.45,
                Map.of(Criterion.SAFETY, 0.1, Criterion.INSTRUCTION_FOLLOWING, 0.3, Criterion.PRESERVATION, 0.2,
                        Criterion.VISUAL_QUALITY, 0.2, Criterion.TEMPORAL_CONSISTENCY, 0.2));
    }

    /** A copy with one criterion's minimum changed. */
    public JudgeThresholds withMinimum(Criterion criterion, double minimum) {
        EnumMap<Criterion, Double> changed = new EnumMap<>(minimums);
        changed.put(criterion, minimum);
        return new JudgeThresholds(changed, overallMinimum, weights);
    }

    /**
     * A copy with the minimums written as {@code instruction_following=0.4; preservation=0.3} (criteria not named keep
     * theirs; empty text changes nothing); throws with what to fix for an unknown criterion or a value outside 0..1.
     */
    public JudgeThresholds withMinimums(String text) {
        JudgeThresholds out = this;
        for (Map.Entry<Criterion, Double> e : parseMinimums(text).entrySet()) {
            out = out.withMinimum(e.getKey(), e.getValue());
        }
        return out;
    }

    /** {@code criterion=minimum} pairs separated by {@code ;} or new lines, checked. */
    public static Map<Criterion, Double> parseMinimums(String text) {
        Map<Criterion, Double> out = new EnumMap<>(Criterion.class);
        for (String part : text.split("[;\\n]")) {
            String pair = part.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not criterion=minimum (for example preservation=0.3)");
            }
            String name = pair.substring(0, eq).strip();
            Criterion c = java.util.Arrays.stream(Criterion.values()).filter(x -> x.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a criterion; use one of "
                            + java.util.Arrays.stream(Criterion.values()).map(Criterion::wireName).toList()));
            double v;
            try {
                v = Double.parseDouble(pair.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number between 0 and 1", e);
            }
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1");
            }
            out.put(c, v);
        }
        return out;
    }

    /** The minimums as text, in criterion order. */
    public String minimumsText() {
        StringBuilder b = new StringBuilder();
        for (Criterion c : Criterion.values()) {
            b.append(b.isEmpty() ? "" : "; ").append(c.wireName()).append('=')
                    .append(String.format(Locale.ROOT, "%.2f", minimums.getOrDefault(c, 0.0)));
        }
        return b.toString();
    }

    /** A copy with another overall minimum. */
    public JudgeThresholds withOverallMinimum(double minimum) {
        return new JudgeThresholds(minimums, minimum, weights);
    }

    /** The weighted mean of the scores. */
    public double overall(Map<Criterion, Score> scores) {
        double sum = 0;
        double weight = 0;
        for (Map.Entry<Criterion, Double> w : weights.entrySet()) {
            Score s = scores.get(w.getKey());
            if (s != null) {
                sum += w.getValue() * s.value();
                weight += w.getValue();
            }
        }
        return weight == 0 ? 0 : sum / weight;
    }

    /** Decides: the first criterion (safety first) below its minimum rejects, with its score and reason kept. */
    public Verdict decide(Map<Criterion, Score> scores, String engine, String model, String promptVersion) {
        double overall = overall(scores);
        for (Criterion c : Criterion.values()) {
            Score s = scores.get(c);
            double min = minimums.getOrDefault(c, 0.0);
            if (s != null && s.value() < min) {
                String reason = String.format(Locale.ROOT, "%s %.2f < %.2f: %s", c.wireName(), s.value(), min, s.reason());
                return new Verdict(scores, overall, Decision.AUTO_REJECT, reason, engine, model, promptVersion);
            }
        }
        if (overall < overallMinimum) {
            String reason = String.format(Locale.ROOT, "overall %.2f < %.2f", overall, overallMinimum);
            return new Verdict(scores, overall, Decision.AUTO_REJECT, reason, engine, model, promptVersion);
        }
        return new Verdict(scores, overall, Decision.ACCEPT_TO_QUEUE, null, engine, model, promptVersion);
    }

    /** The verdict decided again under these thresholds, from its stored scores. */
    public Verdict redecide(Verdict verdict) {
        return decide(verdict.scores(), verdict.engine(), verdict.model(), verdict.promptVersion());
    }
}
