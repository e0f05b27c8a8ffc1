package dev.ditto.ui.overview;

import dev.ditto.overview.PipelineSnapshot;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** ECharts options for the overview's plots, built from a {@link PipelineSnapshot}. */
final class Charts {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00").withZone(ZoneOffset.UTC);

    private Charts() {}

    static Map<String, Object> samplesByStage(PipelineSnapshot s) {
        List<String> names = new ArrayList<>(s.samples().keySet());
        List<Long> values = names.stream().map(n -> s.samples().getOrDefault(n, 0L)).toList();
        Map<String, Object> x = category(names.stream().map(n -> n.toLowerCase(Locale.ROOT).replace('_', ' ')).toList());
        x.put("axisLabel", Map.of("interval", 0, "rotate", 30, "fontSize", 10));
        return base(x, valueAxis(),
                List.of(series("samples", "bar", values, null)));
    }

    static Map<String, Object> throughput(PipelineSnapshot s) {
        List<String> hours = s.generatedPerHour().stream().map(h -> HOUR.format(h.hour())).toList();
        List<Long> counts = s.generatedPerHour().stream().map(PipelineSnapshot.HourCount::count).toList();
        Map<String, Object> line = series("generated", "line", counts, null);
        line.put("areaStyle", Map.of());
        line.put("smooth", true);
        return base(category(hours), valueAxis(), List.of(line));
    }

    static Map<String, Object> acceptance(PipelineSnapshot s) {
        List<String> hours = s.decisionsPerHour().stream().map(h -> HOUR.format(h.hour())).toList();
        List<Long> accepted = s.decisionsPerHour().stream().map(PipelineSnapshot.HourDecisions::accepted).toList();
        List<Long> rejected = s.decisionsPerHour().stream().map(PipelineSnapshot.HourDecisions::rejected).toList();
        List<Long> auto = s.decisionsPerHour().stream().map(PipelineSnapshot.HourDecisions::autoRejected).toList();
        List<Object> rate = new ArrayList<>();
        s.decisionsPerHour().forEach(h -> rate.add(h.acceptancePercent() == null ? "-" : Math.round(h.acceptancePercent())));
        Map<String, Object> rateLine = series("acceptance %", "line", rate, null);
        rateLine.put("yAxisIndex", 1);
        rateLine.put("connectNulls", true);
        Map<String, Object> percentAxis = valueAxis();
        percentAxis.put("max", 100);
        percentAxis.put("name", "%");
        Map<String, Object> option = base(category(hours), List.of(valueAxis(), percentAxis),
                List.of(series("accepted", "bar", accepted, "decisions"), series("rejected", "bar", rejected, "decisions"),
                        series("auto-rejected", "bar", auto, "decisions"), rateLine));
        option.put("color", List.of("#2e9d5b", "#d6453d", "#9aa0a6", "#1676f3"));
        return option;
    }

    static Map<String, Object> judgeScores(PipelineSnapshot s) {
        List<String> bins = s.judgeScores().stream().map(b -> String.format(Locale.ROOT, "%.2f", b.from())).toList();
        List<Long> passed = s.judgeScores().stream().map(PipelineSnapshot.ScoreBin::passed).toList();
        List<Long> auto = s.judgeScores().stream().map(PipelineSnapshot.ScoreBin::autoRejected).toList();
        Map<String, Object> option = base(category(bins), valueAxis(),
                List.of(series("passed to review", "bar", passed, "score"), series("auto-rejected", "bar", auto, "score")));
        Map<String, Object> x = castMap(option.get("xAxis"));
        x.put("name", "overall score");
        x.put("nameLocation", "middle");
        x.put("nameGap", 28);
        option.put("color", List.of("#1676f3", "#9aa0a6"));
        return option;
    }

    private static Map<String, Object> base(Map<String, Object> x, Object y, List<Map<String, Object>> series) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("grid", Map.of("left", 48, "right", 48, "top", 32, "bottom", 40));
        option.put("tooltip", Map.of("trigger", "axis"));
        if (series.size() > 1) {
            option.put("legend", Map.of("top", 0));
        }
        option.put("xAxis", x);
        option.put("yAxis", y);
        option.put("series", series);
        return option;
    }

    private static Map<String, Object> category(List<String> labels) {
        Map<String, Object> axis = new LinkedHashMap<>();
        axis.put("type", "category");
        axis.put("data", labels);
        return axis;
    }

    private static Map<String, Object> valueAxis() {
        Map<String, Object> axis = new LinkedHashMap<>();
        axis.put("type", "value");
        axis.put("minInterval", 1);
        return axis;
    }

    private static Map<String, Object> series(String name, String type, List<?> data, @org.jspecify.annotations.Nullable String stack) {
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("name", name);
        series.put("type", type);
        series.put("data", data);
        if (stack != null) {
            series.put("stack", stack);
        }
        return series;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
