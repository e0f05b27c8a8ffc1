package dev.ditto.ui.releasesview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.releases.QualityReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityChartsTest {
    private static QualityReport.Distribution d(double p10, double p25, double p50, double p75, double p90) {
        return new QualityReport.Distribution(4, p50, p10 - 0.1, p90 + 0.1,
                Map.of("p10", p10, "p25", p25, "p50", p50, "p75", p75, "p90", p90));
    }

    private static final QualityReport REPORT = new QualityReport(List.of(0.1, 0.25, 0.5, 0.75, 0.9),
            new QualityReport.Group(6, Map.of("overall", d(0.5, 0.6, 0.7, 0.8, 0.9)),
                    Map.of("warp_error", d(0.9, 1.0, 1.1, 1.2, 1.3)),
                    new QualityReport.Decisions(8, 6, 1, 1, 0.75, Map.of("FLICKER", 1L, "judge", 1L))),
            Map.of("global_style", new QualityReport.Group(6, Map.of("overall", d(0.5, 0.6, 0.7, 0.8, 0.9)),
                            Map.of("warp_error", d(0.9, 1.0, 1.1, 1.2, 1.3), "clip_t", d(0.2, 0.25, 0.3, 0.35, 0.4)),
                            new QualityReport.Decisions(7, 6, 0, 1, 6 / 7.0, Map.of("judge", 1L))),
                    "local_add", new QualityReport.Group(0, Map.of(), Map.of(),
                            new QualityReport.Decisions(1, 0, 1, 0, 0.0, Map.of("FLICKER", 1L)))));

    @Test
    void boxesRunFromP10ToP90PerGroupAndAMeasureAGroupLacksIsAnEmptyBox() {
        Map<String, Object> option = QualityCharts.metrics(REPORT);

        assertThat(((Map<?, ?>) option.get("xAxis")).get("data")).isEqualTo(List.of("warp_error", "clip_t"));
        List<?> series = (List<?>) option.get("series");
        assertThat(series.stream().map(s -> (Object) ((Map<?, ?>) s).get("name")).toList())
                .isEqualTo(List.of("all", "global_style", "local_add"));
        assertThat(((Map<?, ?>) series.getFirst()).get("data"))
                .isEqualTo(List.of(List.of(0.9, 1.0, 1.1, 1.2, 1.3), List.of()));
        assertThat(((Map<?, ?>) series.get(1)).get("data")).asList().last().isEqualTo(List.of(0.2, 0.25, 0.3, 0.35, 0.4));
    }

    @Test
    void decisionsStackAcceptedAndEachReasonWithTheRateAsALine() {
        List<?> series = (List<?>) QualityCharts.decisions(REPORT).get("series");

        assertThat(series.stream().map(s -> (Object) ((Map<?, ?>) s).get("name")).toList()).isEqualTo(List.of("accepted", "rejected: FLICKER", "rejected: judge", "acceptance %"));
        assertThat(((Map<?, ?>) series.get(1)).get("data")).isEqualTo(List.of(1L, 0L, 1L));
        assertThat(((Map<?, ?>) series.get(3)).get("data")).isEqualTo(List.of(75.0, 85.7, 0.0));
    }
}
