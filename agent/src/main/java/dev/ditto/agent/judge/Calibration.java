package dev.ditto.agent.judge;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The judge held to curators' decisions: agreement and Cohen's kappa of the judge's decision (under given thresholds)
 * with the curators' accept/reject, overall and per category; for the overall score and each criterion a
 * precision/recall curve over its minimum; and proposed thresholds, either the ones with the best kappa or the
 * loosest overall minimum whose precision reaches a target. Pure arithmetic over stored scores: nothing is judged
 * again, so a proposal is checked on exactly the samples people decided.
 */
public final class Calibration {
    /** Thresholds tried, 0.00 to 1.00 in steps of this. */
    public static final double STEP = 0.05;
    /** Fewer decided samples than this, or no accept or no reject among them, gives no proposal. */
    public static final int MIN_ITEMS = 10;
    /** The curve of the overall score is named this; the criteria by their wire names. */
    public static final String OVERALL = "overall";

    private Calibration() {}

    /** One sample people decided: its category, the judge's stored scores, and what the curators said. */
    public record Item(String id, String category, Map<Criterion, Double> scores, boolean curatorAccepts) {
        public Item {
            scores = Map.copyOf(scores);
        }
    }

    /** How often two yes/no raters agree, as a share, and Cohen's kappa (null where chance agreement is certain). */
    public record Agreement(long n, double agreement, @Nullable Double kappa) {}

    /**
     * One threshold of a curve: how many samples the judge lets through with that minimum (others as they are), of
     * those the share curators accepted (precision), the share of curator-accepted ones it lets through (recall), kappa.
     */
    public record Point(double threshold, long passed, @Nullable Double precision, @Nullable Double recall,
                        @Nullable Double kappa) {}

    /** One curve, with the threshold in force and the best-kappa one. */
    public record Curve(String name, double current, List<Point> points, double bestKappaThreshold) {}

    /**
     * The whole picture.
     *
     * @param proposed           best-kappa thresholds (coordinate search over the overall minimum and each criterion's),
     *                           null when there are too few decisions or only one kind
     * @param forTargetPrecision the current thresholds with the loosest overall minimum whose precision reaches the
     *                           target, null when none does
     * @param why                why there is no proposal, or null
     */
    public record Report(long n, long curatorAccepts, Agreement current, Map<String, Agreement> currentByCategory,
                         List<Curve> curves, @Nullable JudgeThresholds proposed, @Nullable Agreement proposedAgreement,
                         Map<String, Agreement> proposedByCategory, double targetPrecision,
                         @Nullable JudgeThresholds forTargetPrecision, @Nullable Agreement forTargetPrecisionAgreement,
                         @Nullable String why) {}

    /** The report for {@code items} under {@code current}. */
    public static Report of(List<Item> items, JudgeThresholds current, double targetPrecision) {
        long accepts = items.stream().filter(Item::curatorAccepts).count();
        Agreement now = agreement(items, current);
        List<Curve> curves = new ArrayList<>();
        curves.add(curve(OVERALL, current.overallMinimum(), items, current, null));
        for (Criterion c : Criterion.values()) {
            curves.add(curve(c.wireName(), current.minimums().getOrDefault(c, 0.0), items, current, c));
        }
        String why = null;
        JudgeThresholds proposed = null;
        JudgeThresholds target = null;
        if (items.size() < MIN_ITEMS) {
            why = "only " + items.size() + " decided samples with judge scores; calibration needs at least " + MIN_ITEMS;
        } else if (accepts == 0 || accepts == items.size()) {
            why = "the curators " + (accepts == 0 ? "rejected" : "accepted") + " every one of the " + items.size()
                    + " samples; calibration needs both (a share of would-be auto-rejects goes to review for this)";
        } else {
            proposed = bestKappa(items, current);
            target = forPrecision(items, current, targetPrecision);
        }
        return new Report(items.size(), accepts, now, byCategory(items, current), curves, proposed,
                proposed == null ? null : agreement(items, proposed), proposed == null ? Map.of() : byCategory(items, proposed),
                targetPrecision, target, target == null ? null : agreement(items, target), why);
    }

    /** Whether the judge lets {@code item} through under {@code t}. */
    public static boolean passes(Item item, JudgeThresholds t) {
        Map<Criterion, Score> scores = new EnumMap<>(Criterion.class);
        item.scores().forEach((c, v) -> scores.put(c, new Score(Math.max(0, Math.min(1, v)), "")));
        for (Criterion c : Criterion.values()) {
            Double v = item.scores().get(c);
            if (v != null && v < t.minimums().getOrDefault(c, 0.0)) {
                return false;
            }
        }
        return t.overall(scores) >= t.overallMinimum();
    }

    /** Agreement of the judge under {@code t} with the curators. */
    public static Agreement agreement(List<Item> items, JudgeThresholds t) {
        long n = items.size();
        if (n == 0) {
            return new Agreement(0, 0, null);
        }
        long agree = 0;
        long judgeYes = 0;
        long curatorYes = 0;
        for (Item i : items) {
            boolean j = passes(i, t);
            if (j == i.curatorAccepts()) {
                agree++;
            }
            judgeYes += j ? 1 : 0;
            curatorYes += i.curatorAccepts() ? 1 : 0;
        }
        double observed = (double) agree / n;
        double pj = (double) judgeYes / n;
        double pc = (double) curatorYes / n;
        double expected = pj * pc + (1 - pj) * (1 - pc);
        Double kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
        return new Agreement(n, observed, kappa);
    }

    private static Map<String, Agreement> byCategory(List<Item> items, JudgeThresholds t) {
        Map<String, List<Item>> groups = new TreeMap<>();
        for (Item i : items) {
            groups.computeIfAbsent(i.category(), k -> new ArrayList<>()).add(i);
        }
        Map<String, Agreement> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, agreement(v, t)));
        return out;
    }

    private static Curve curve(String name, double current, List<Item> items, JudgeThresholds base, @Nullable Criterion c) {
        List<Point> points = new ArrayList<>();
        long accepted = items.stream().filter(Item::curatorAccepts).count();
        double best = current;
        double bestKappa = Double.NEGATIVE_INFINITY;
        for (double t : grid()) {
            JudgeThresholds at = with(base, c, t);
            long passed = 0;
            long tp = 0;
            for (Item i : items) {
                if (passes(i, at)) {
                    passed++;
                    tp += i.curatorAccepts() ? 1 : 0;
                }
            }
            Double kappa = agreement(items, at).kappa();
            points.add(new Point(t, passed, passed == 0 ? null : (double) tp / passed,
                    accepted == 0 ? null : (double) tp / accepted, kappa));
            if (kappa != null && (kappa > bestKappa + 1e-9
                    || (Math.abs(kappa - bestKappa) <= 1e-9 && Math.abs(t - current) < Math.abs(best - current)))) {
                bestKappa = kappa;
                best = t;
            }
        }
        return new Curve(name, current, points, best);
    }

    /** Coordinate search: each threshold in turn set to its best-kappa value with the others fixed, two rounds. */
    static JudgeThresholds bestKappa(List<Item> items, JudgeThresholds start) {
        JudgeThresholds t = start;
        for (int round = 0; round < 2; round++) {
            t = with(t, null, curve(OVERALL, t.overallMinimum(), items, t, null).bestKappaThreshold());
            for (Criterion c : Criterion.values()) {
                if (c == Criterion.SAFETY) {
                    continue; // safety is a hard rule, not a knob to trade against agreement
                }
                t = with(t, c, curve(c.wireName(), t.minimums().getOrDefault(c, 0.0), items, t, c).bestKappaThreshold());
            }
        }
        return t;
    }

    /** The loosest overall minimum whose precision reaches {@code target} (the most samples through at that precision). */
    static @Nullable JudgeThresholds forPrecision(List<Item> items, JudgeThresholds base, double target) {
        for (double t : grid()) {
            JudgeThresholds at = with(base, null, t);
            long passed = 0;
            long tp = 0;
            for (Item i : items) {
                if (passes(i, at)) {
                    passed++;
                    tp += i.curatorAccepts() ? 1 : 0;
                }
            }
            if (passed >= 3 && (double) tp / passed >= target) {
                return at;
            }
        }
        return null;
    }

    private static JudgeThresholds with(JudgeThresholds t, @Nullable Criterion c, double value) {
        double v = Math.round(value * 100) / 100.0;
        return c == null ? t.withOverallMinimum(v) : t.withMinimum(c, v);
    }

    private static double[] grid() {
        int n = (int) Math.round(1 / STEP) + 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.round(i * STEP * 100) / 100.0;
        }
        return out;
    }
}
