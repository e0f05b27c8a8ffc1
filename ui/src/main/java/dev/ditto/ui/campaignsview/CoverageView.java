package dev.ditto.ui.campaignsview;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.campaigns.CorpusCoverage;
import dev.ditto.ui.shared.EChart;
import jakarta.annotation.security.PermitAll;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * The corpus, not one campaign: each category's share of every instruction against its target, which operators
 * were tried on which kind of source, a map of a spread-out sample of all instructions, and the gaps in words.
 * Curators and admins start a campaign that fills them.
 */
@Route("coverage")
@PageTitle("Coverage · Ditto")
@Menu(title = "Coverage", order = 3.5, icon = "vaadin:grid-big")
@PermitAll
public class CoverageView extends VerticalLayout {
    static final int MAP_POINTS = 3000;

    private final CorpusCoverage coverage;
    private final CampaignService campaigns;
    private final ObjectMapper json;
    private final Span summary = testId(new Span(), "coverage-summary");
    private final Div gaps = testId(new Div(), "coverage-gaps");
    private final EChart categories = new EChart("coverage-categories", "16em");
    private final Div matrix = testId(new Div(), "coverage-matrix");
    private final EChart map = new EChart("coverage-map", "26em");

    public CoverageView(CorpusCoverage coverage, CampaignService campaigns, ObjectMapper json, AuthenticationContext auth) {
        this.coverage = coverage;
        this.campaigns = campaigns;
        this.json = json;
        setWidthFull();
        IntegerField perSource = testId(new IntegerField("Instructions per source"), "fill-per-source");
        perSource.setValue(4);
        perSource.setMin(1);
        perSource.setMax(1000);
        IntegerField sources = testId(new IntegerField("Least covered sources"), "fill-sources");
        sources.setValue(50);
        sources.setMin(1);
        sources.setMax(20_000);
        Button fill = testId(new Button("Fill the gaps"), "fill-gaps");
        fill.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        fill.addClickListener(e -> {
            try {
                long id = campaigns.start(coverage.fillGapsRequest(perSource.getValue() == null ? 4 : perSource.getValue(),
                        sources.getValue() == null ? 50 : sources.getValue(), 0));
                getUI().ifPresent(ui -> ui.navigate("campaigns/" + id));
            } catch (IllegalArgumentException ex) {
                Notification.show(ex.getMessage()).addThemeVariants(NotificationVariant.LUMO_ERROR);
            }
        });
        HorizontalLayout fillForm = new HorizontalLayout(perSource, sources, fill);
        fillForm.setAlignItems(FlexComponent.Alignment.BASELINE);
        fillForm.setVisible(auth.hasAnyRole("CURATOR", "ADMIN"));
        add(new H2("Coverage"), summary, new H3("Gaps"), gaps, fillForm, new H3("Categories: share of the corpus and target"),
                categories, new H3("Operators tried, by source type (source tag)"), new Paragraph(
                        "Instructions written with each operator on sources carrying each tag; an empty cell is an operator never "
                                + "tried on that kind of source."), matrix,
                new H3("Instruction map"), new Paragraph("The first two principal components of a spread-out sample of at most "
                        + MAP_POINTS + " instructions of the whole corpus, one colour per category; empty stretches are kinds of "
                        + "edit nobody asked for yet."), map);
        refresh();
    }

    private void refresh() {
        CorpusCoverage.Coverage c = coverage.coverage(MAP_POINTS);
        summary.setText(c.instructions() + " instructions over " + c.sources() + " ready sources.");
        gaps.removeAll();
        if (c.gaps().isEmpty()) {
            gaps.add(new Span("No gaps: every category is near its target and every operator was tried on every source type."));
        }
        for (String g : c.gaps()) {
            gaps.add(testId(new Div(new Span(g)), "coverage-gap"));
        }
        categories.setOption(json.writeValueAsString(categoryOption(c)));
        matrix.removeAll();
        matrix.add(matrixGrid(c));
        if (!c.map().isEmpty()) {
            map.setOption(json.writeValueAsString(EmbeddingMap.option(c.map().stream()
                    .map(p -> new CampaignService.EmbeddedInstruction(0, p.category(), p.text(), p.vector())).toList())));
        }
    }

    private static Map<String, Object> categoryOption(CorpusCoverage.Coverage c) {
        List<String> names = new ArrayList<>();
        List<Object> share = new ArrayList<>();
        List<Object> target = new ArrayList<>();
        for (CorpusCoverage.CategoryShare s : c.categories()) {
            names.add(s.category().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            share.add(Math.round(1000 * s.share()) / 10.0);
            target.add(Math.round(1000 * s.target()) / 10.0);
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("legend", Map.of("data", List.of("corpus %", "target %")));
        option.put("grid", Map.of("left", 40, "right", 20, "top", 30, "bottom", 40));
        option.put("xAxis", Map.of("type", "category", "data", names));
        option.put("yAxis", Map.of("type", "value", "name", "%"));
        option.put("series", List.of(Map.of("name", "corpus %", "type", "bar", "data", share),
                Map.of("name", "target %", "type", "bar", "data", target)));
        return option;
    }

    private static Grid<Map.Entry<String, Map<String, Long>>> matrixGrid(CorpusCoverage.Coverage c) {
        Grid<Map.Entry<String, Map<String, Long>>> grid = new Grid<>();
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_COLUMN_BORDERS);
        grid.addColumn(Map.Entry::getKey).setHeader("Source type").setAutoWidth(true).setFrozen(true);
        for (String op : c.operators()) {
            grid.addComponentColumn(row -> {
                long n = row.getValue().getOrDefault(op, 0L);
                Span cell = new Span(n == 0 ? "·" : String.valueOf(n));
                if (n == 0) {
                    cell.getStyle().set("color", "var(--lumo-error-text-color)");
                    cell.getElement().setAttribute("title", op + " never tried on " + row.getKey() + " sources");
                }
                return cell;
            }).setHeader(op).setAutoWidth(true);
        }
        grid.setItems(new ArrayList<>(c.operatorsBySourceType().entrySet()));
        grid.setAllRowsVisible(true);
        grid.setWidthFull();
        return grid;
    }

    private static <T extends Component> T testId(T c, String id) {
        c.getElement().setAttribute("data-testid", id);
        return c;
    }
}
