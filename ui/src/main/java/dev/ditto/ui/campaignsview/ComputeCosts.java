package dev.ditto.ui.campaignsview;

import dev.ditto.campaigns.CampaignService;
import dev.ditto.protocol.StageTiming;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds a campaign's generated samples spent, summed by stage and by category, and divided by the samples
 * that were accepted: what one kept sample really cost, rejected work included.
 */
record ComputeCosts(List<Row> byStage, List<Row> byCategory, Row total, long accepted) {

    /** Seconds of one stage or category: wall, CPU and GPU, over {@code samples} samples ({@code accepted} kept). */
    record Row(String name, long samples, long accepted, double wall, double cpu, double gpu) {
        Row plus(StageTiming t) {
            return new Row(name, samples, accepted, wall + t.wallSeconds(), cpu + t.cpuSeconds(), gpu + t.gpuSeconds());
        }

        Row counted(boolean isAccepted) {
            return new Row(name, samples + 1, accepted + (isAccepted ? 1 : 0), wall, cpu, gpu);
        }
    }

    static ComputeCosts of(List<CampaignService.SampleTimings> samples) {
        Map<String, Row> stages = new TreeMap<>();
        Map<String, Row> categories = new TreeMap<>();
        Row total = new Row("all", 0, 0, 0, 0, 0);
        long accepted = 0;
        for (CampaignService.SampleTimings s : samples) {
            boolean isAccepted = s.status().equals("ACCEPTED");
            accepted += isAccepted ? 1 : 0;
            Row category = categories.getOrDefault(s.category(), new Row(s.category(), 0, 0, 0, 0, 0)).counted(isAccepted);
            total = total.counted(isAccepted);
            for (Map.Entry<String, StageTiming> e : s.timings().entrySet()) {
                stages.put(e.getKey(), stages.getOrDefault(e.getKey(), new Row(e.getKey(), 0, 0, 0, 0, 0)).plus(e.getValue()));
                category = category.plus(e.getValue());
                total = total.plus(e.getValue());
            }
            categories.put(s.category(), category);
        }
        final long keptSamples = accepted;
        List<Row> stageRows = stages.values().stream()
                .map(r -> new Row(r.name(), samples.size(), keptSamples, r.wall(), r.cpu(), r.gpu())).toList();
        return new ComputeCosts(stageRows, List.copyOf(categories.values()), total, accepted);
    }
}
