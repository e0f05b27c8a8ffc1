package dev.ditto.releases;

import dev.ditto.agent.judge.Criterion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A release's quality report in the paper's terms ({@code quality_report.json}, the dataset card's "Quality"
 * section, the release page): per category and overall, the judge's criteria and overall score, the runner's metrics
 * (warp-error ratio, edge SSIM, edit strength, and CLIP-T / CLIP-F where a CLIP model scored the sample), each as
 * mean, min, max and quantiles over the shipped samples; and the curation decisions of the selection's samples
 * (acceptance rate, rejection reasons).
 */
public record QualityReport(List<Double> quantiles, Group overall, Map<String, Group> categories) {
    /** The quantiles every distribution reports, as keys {@code p10} … {@code p90}. */
    public static final double[] QUANTILES = {0.1, 0.25, 0.5, 0.75, 0.9};
    /** The runner metrics reported, as the samples store them ({@code samples.metrics}). */
    public static final List<String> METRICS = List.of("warp_error", "edge_ssim", "edit_strength", "clip_t", "clip_f");
    /** The judge's overall score's key among the judge distributions. */
    public static final String JUDGE_OVERALL = "overall";

    /** The judge's measures in their order: the overall score, then the criteria. */
    public static final List<String> JUDGE = Stream.concat(Stream.of(JUDGE_OVERALL),
            Arrays.stream(Criterion.values()).map(Criterion::wireName)).toList();

    // PostgreSQL's jsonb keeps keys in an order of its own: every map is put back in the report's order
    public QualityReport {
        quantiles = List.copyOf(quantiles);
        categories = Collections.unmodifiableMap(new TreeMap<>(categories));
    }

    /** One group (a category, or all): shipped samples, their distributions, and the decisions behind them. */
    public record Group(long samples, Map<String, Distribution> judge, Map<String, Distribution> metrics,
                        Decisions decisions) {
        public Group {
            judge = ordered(judge, JUDGE);
            metrics = ordered(metrics, METRICS);
        }
    }

    /** {@code map} with the keys of {@code order} first, in that order, then any others by name. */
    private static <V> Map<String, V> ordered(Map<String, V> map, List<String> order) {
        Map<String, V> out = new LinkedHashMap<>();
        order.stream().filter(map::containsKey).forEach(k -> out.put(k, map.get(k)));
        new TreeMap<>(map).forEach(out::putIfAbsent);
        return Collections.unmodifiableMap(out);
    }

    /**
     * A measure over the shipped samples that have it: how many, mean, min, max and the quantiles (linear
     * interpolation, PostgreSQL's {@code percentile_cont}, numpy's default), keyed {@code p10}, {@code p25}, ….
     */
    public record Distribution(long n, double mean, double min, double max, Map<String, Double> quantiles) {}

    /**
     * Decisions over the selection's decided samples (accepted, rejected by a curator, rejected by the judge), whether
     * or not the release ships them: {@code acceptanceRate} = accepted / decided; rejection reasons by code
     * ({@code judge} for the judge's automatic rejections).
     */
    public record Decisions(long decided, long accepted, long rejected, long autoRejected,
                            @Nullable Double acceptanceRate, Map<String, Long> rejectionReasons) {
        /** Reasons most frequent first, then by name. */
        public Decisions {
            Map<String, Long> sorted = new LinkedHashMap<>();
            rejectionReasons.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            rejectionReasons = Collections.unmodifiableMap(sorted);
        }
    }

    /** The key of quantile {@code q}: 0.1 → {@code p10}. */
    public static String key(double q) {
        return "p" + Math.round(q * 100);
    }

    /** A measure's mean now and in the previous version, for the release diff. */
    public record Change(String group, String measure, @Nullable Double previous, @Nullable Double current) {}

    /**
     * The means (and acceptance rates) of {@code current} beside {@code previous}'s, overall then by category:
     * one row per measure either report has.
     */
    public static List<Change> compare(@Nullable QualityReport previous, QualityReport current) {
        if (previous == null) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>();
        compare("all", previous.overall(), current.overall(), changes);
        TreeSet<String> categories = new TreeSet<>(previous.categories().keySet());
        categories.addAll(current.categories().keySet());
        for (String c : categories) {
            compare(c, previous.categories().get(c), current.categories().get(c), changes);
        }
        return List.copyOf(changes);
    }

    private static void compare(String group, @Nullable Group before, @Nullable Group after, List<Change> out) {
        out.add(new Change(group, "acceptance_rate", before == null ? null : before.decisions().acceptanceRate(),
                after == null ? null : after.decisions().acceptanceRate()));
        for (boolean judge : new boolean[] {true, false}) {
            Map<String, Distribution> b = before == null ? Map.of() : judge ? before.judge() : before.metrics();
            Map<String, Distribution> a = after == null ? Map.of() : judge ? after.judge() : after.metrics();
            Map<String, Boolean> measures = new LinkedHashMap<>();
            a.keySet().forEach(k -> measures.put(k, true));
            b.keySet().forEach(k -> measures.put(k, true));
            for (String m : ordered(measures, judge ? JUDGE : METRICS).keySet()) {
                out.add(new Change(group, (judge ? "judge." : "metrics.") + m,
                        b.containsKey(m) ? b.get(m).mean() : null, a.containsKey(m) ? a.get(m).mean() : null));
            }
        }
    }
}
