package dev.ditto.ui.review;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.ditto.curation.CuratorAgreement;
import dev.ditto.ui.shared.EChart;
import jakarta.annotation.security.PermitAll;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * Per-curator figures over time ({@code GET /api/curation/agreement/over-time}): decisions per day, agreement with the
 * other curators and Cohen's κ per day, and acceptances overturned by a lead's re-check; plotted one line per curator,
 * with the figures in a table under the plots. Reached from the Agreement page.
 */
@Route("agreement/over-time")
@PageTitle("Curators over time · Ditto")
@PermitAll
public class CuratorTrendsView extends VerticalLayout {
    private final CuratorAgreement agreement;
    private final ObjectMapper json;
    private final EChart throughput = new EChart("chart-curator-throughput", "240px");
    private final EChart agreementChart = new EChart("chart-curator-agreement", "240px");
    private final EChart kappa = new EChart("chart-curator-kappa", "240px");
    private final EChart overturned = new EChart("chart-curator-overturned", "200px");
    private final Grid<CuratorAgreement.Day> grid = new Grid<>();

    public CuratorTrendsView(CuratorAgreement agreement, ObjectMapper json) {
        this.agreement = agreement;
        this.json = json;
        Select<Integer> days = new Select<>();
        days.setLabel("Days");
        days.setItems(7, 30, 90, 365);
        days.setValue(30);
        days.getElement().setAttribute("data-testid", "trend-days");
        days.addValueChangeListener(e -> show(e.getValue()));
        grid.getElement().setAttribute("data-testid", "trend-rows");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(CuratorAgreement.Day::day).setHeader("Day").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Day::curator).setHeader("Curator").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Day::decisions).setHeader("Decisions").setAutoWidth(true);
        grid.addColumn(d -> d.decisions() == 0 ? "" : format("%.0f%%", 100.0 * d.accepted() / d.decisions())).setHeader("Accepted").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Day::curatorPairs).setHeader("Compared").setAutoWidth(true);
        grid.addColumn(d -> d.curatorPercent() == null ? "" : format("%.0f%%", d.curatorPercent())).setHeader("Agreement").setAutoWidth(true);
        grid.addColumn(d -> d.curatorKappa() == null ? "" : format("%.2f", d.curatorKappa())).setHeader("κ").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Day::adjudicated).setHeader("To a lead").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Day::overturned).setHeader("Overturned").setAutoWidth(true);
        grid.setAllRowsVisible(true);
        add(new H2("Curators over time"), new Paragraph("Per curator and day (UTC): decisions in force, agreement with other"
                        + " curators on the same samples (the overlap share and double review) as a percentage and Cohen's κ,"
                        + " reviews that went to a lead because they disagreed, and acceptances a lead's re-check overturned."),
                new RouterLink("← Agreement per curator", AgreementView.class), days,
                new H3("Decisions per day"), throughput, new H3("Agreement with other curators (%)"), agreementChart,
                new H3("Cohen's κ with other curators"), kappa, new H3("Acceptances overturned on re-check"), overturned, grid);
        show(30);
    }

    private void show(int days) {
        List<CuratorAgreement.Day> rows = agreement.overTime(days);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> labels = new ArrayList<>();
        for (LocalDate d = today.minusDays(days - 1L); !d.isAfter(today); d = d.plusDays(1)) {
            labels.add(d.toString());
        }
        draw(throughput, labels, rows, d -> d.decisions(), "bar");
        draw(agreementChart, labels, rows, CuratorAgreement.Day::curatorPercent, "line");
        draw(kappa, labels, rows, CuratorAgreement.Day::curatorKappa, "line");
        draw(overturned, labels, rows, d -> d.overturned(), "bar");
        grid.setItems(rows.reversed());
    }

    /** One series per curator over the days; a day without a figure is a gap (null), not a zero. */
    private void draw(EChart chart, List<String> labels, List<CuratorAgreement.Day> rows,
                      Function<CuratorAgreement.Day, @Nullable Number> figure, String type) {
        TreeSet<String> curators = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        rows.forEach(r -> curators.add(r.curator()));
        List<Map<String, Object>> series = new ArrayList<>();
        for (String curator : curators) {
            List<@Nullable Number> data = new ArrayList<>();
            for (String label : labels) {
                data.add(rows.stream().filter(r -> r.curator().equals(curator) && r.day().toString().equals(label))
                        .findFirst().map(figure).orElse(null));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", curator);
            s.put("type", type);
            s.put("data", data);
            s.put("connectNulls", true);
            series.add(s);
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("grid", Map.of("left", 48, "right", 24, "top", 32, "bottom", 40));
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("top", 0));
        option.put("xAxis", Map.of("type", "category", "data", labels));
        option.put("yAxis", Map.of("type", "value"));
        option.put("series", series);
        chart.getElement().setAttribute("data-series", String.valueOf(series.size()));
        chart.setOption(json.writeValueAsString(option));
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
