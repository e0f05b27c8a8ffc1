package dev.ditto.ui.releasesview;

import dev.ditto.releases.QualityReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * ECharts options for a release's quality report: box plots (whiskers at p10 and p90, box p25–p75, line at the
 * median) of the judge's scores and of the runner's metrics, one box per group (all samples, then each category),
 * and the acceptance rate with the rejections by reason per group.
 */
final class QualityCharts {
    static final String ALL = "all";

    private QualityCharts() {}

    /** The judge's overall score and criteria. */
    static Map<String, Object> judge(QualityReport q) {
        return boxes(q, QualityReport.Group::judge);
    }

    /** The runner's metrics (warp-error ratio, edge SSIM, edit strength, CLIP-T / CLIP-F where scored). */
    static Map<String, Object> metrics(QualityReport q) {
        return boxes(q, QualityReport.Group::metrics);
    }

    /** The groups in order: all samples, then each category. */
    static Map<String, QualityReport.Group> groups(QualityReport q) {
        Map<String, QualityReport.Group> groups = new LinkedHashMap<>();
        groups.put(ALL, q.overall());
        groups.putAll(q.categories());
        return groups;
    }

    private static Map<String, Object> boxes(QualityReport q, Function<QualityReport.Group, Map<String, QualityReport.Distribution>> of) {
        Map<String, QualityReport.Group> groups = groups(q);
        Set<String> measures = new LinkedHashSet<>(of.apply(q.overall()).keySet());
        groups.values().forEach(g -> measures.addAll(of.apply(g).keySet()));
        List<Object> series = new ArrayList<>();
        for (var group : groups.entrySet()) {
            List<Object> data = new ArrayList<>();
            for (String m : measures) {
                QualityReport.Distribution d = of.apply(group.getValue()).get(m);
                data.add(d == null ? List.of() : List.of(d.quantiles().get("p10"), d.quantiles().get("p25"),
                        d.quantiles().get("p50"), d.quantiles().get("p75"), d.quantiles().get("p90")));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", group.getKey());
            s.put("type", "boxplot");
            s.put("data", data);
            series.add(s);
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("legend", Map.of("data", List.copyOf(groups.keySet()), "type", "scroll"));
        option.put("xAxis", Map.of("type", "category", "data", List.copyOf(measures),
                "axisLabel", Map.of("interval", 0, "rotate", 20, "fontSize", 10)));
        option.put("yAxis", Map.of("type", "value", "scale", true));
        option.put("grid", Map.of("left", 45, "right", 20, "top", 40, "bottom", 60));
        option.put("series", series);
        return option;
    }

    /** Per group: decided samples split into accepted and each rejection reason (bars), and the acceptance rate (line). */
    static Map<String, Object> decisions(QualityReport q) {
        Map<String, QualityReport.Group> groups = groups(q);
        Set<String> reasons = new LinkedHashSet<>();
        groups.values().forEach(g -> reasons.addAll(g.decisions().rejectionReasons().keySet()));
        List<Object> series = new ArrayList<>();
        series.add(bar("accepted", groups.values().stream().map(g -> (Object) g.decisions().accepted()).toList()));
        for (String reason : reasons) {
            series.add(bar("rejected: " + reason, groups.values().stream()
                    .map(g -> (Object) g.decisions().rejectionReasons().getOrDefault(reason, 0L)).toList()));
        }
        Map<String, Object> rate = new LinkedHashMap<>();
        rate.put("name", "acceptance %");
        rate.put("type", "line");
        rate.put("yAxisIndex", 1);
        rate.put("data", groups.values().stream().map(g -> g.decisions().acceptanceRate() == null ? (Object) "-"
                : (Object) (Math.round(g.decisions().acceptanceRate() * 1000) / 10.0)).toList());
        series.add(rate);
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("type", "scroll"));
        option.put("xAxis", Map.of("type", "category", "data", List.copyOf(groups.keySet()),
                "axisLabel", Map.of("interval", 0, "rotate", 20, "fontSize", 10)));
        option.put("yAxis", List.of(Map.of("type", "value", "name", "samples"),
                Map.of("type", "value", "name", "%", "min", 0, "max", 100)));
        option.put("grid", Map.of("left", 45, "right", 45, "top", 40, "bottom", 60));
        option.put("series", series);
        return option;
    }

    private static Map<String, Object> bar(String name, List<Object> data) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("type", "bar");
        s.put("stack", "decided");
        s.put("data", data);
        return s;
    }
}
