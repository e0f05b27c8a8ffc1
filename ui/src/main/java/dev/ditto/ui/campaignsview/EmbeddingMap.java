package dev.ditto.ui.campaignsview;

import dev.ditto.campaigns.CampaignService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The ECharts option of the instruction map: the embeddings' first two principal components, one series per category. */
final class EmbeddingMap {
    private EmbeddingMap() {}

    static Map<String, Object> option(List<CampaignService.EmbeddedInstruction> instructions) {
        double[][] xy = Projection.pca2(instructions.stream().map(CampaignService.EmbeddedInstruction::vector).toList());
        Map<String, List<Map<String, Object>>> byCategory = new TreeMap<>();
        for (int i = 0; i < instructions.size(); i++) {
            var instruction = instructions.get(i);
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("value", List.of(round(xy[i][0]), round(xy[i][1])));
            point.put("name", instruction.text());
            byCategory.computeIfAbsent(instruction.category().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>()).add(point);
        }
        List<Map<String, Object>> series = new ArrayList<>();
        byCategory.forEach((category, points) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", category);
            s.put("type", "scatter");
            s.put("symbolSize", 8);
            s.put("data", points);
            s.put("emphasis", Map.of("focus", "series"));
            series.add(s);
        });
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("legend", Map.of("top", 0, "type", "scroll"));
        option.put("grid", Map.of("left", 40, "right", 24, "top", 40, "bottom", 32));
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("xAxis", Map.of("type", "value", "name", "PC 1", "scale", true, "splitLine", Map.of("show", false)));
        option.put("yAxis", Map.of("type", "value", "name", "PC 2", "scale", true, "splitLine", Map.of("show", false)));
        option.put("series", series);
        return option;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
