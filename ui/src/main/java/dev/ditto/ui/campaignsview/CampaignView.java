package dev.ditto.ui.campaignsview;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.ditto.campaigns.Campaign;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.ui.shared.EChart;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * One campaign: live progress (written, deduplicated, GENERATE jobs by state) pushed every two seconds, its
 * diversity figures, the map of its instruction embeddings (PCA to 2-D, coloured by category) that shows where
 * the corpus is thin, the compute spent by stage and category and per accepted sample, and the instructions.
 */
@Route("campaigns/:id")
@PageTitle("Campaign · Ditto")
@PermitAll
public class CampaignView extends VerticalLayout implements BeforeEnterObserver {
    static final int MAP_LIMIT = 5000;

    private final CampaignService campaigns;
    private final ObjectMapper json;
    private final H2 title = id(new H2(), "campaign-title");
    private final Span status = id(new Span(), "campaign-status");
    private final Span meta = id(new Span(), "campaign-meta");
    private final Span error = id(new Span(), "campaign-error");
    private final Div mixLine = id(new Div(), "campaign-mix");
    private final ProgressBar progress = id(new ProgressBar(), "campaign-progress");
    private final Map<String, Span> numbers = new java.util.LinkedHashMap<>();
    private final Div diversity = id(new Div(), "campaign-diversity");
    private final EChart map = new EChart("campaign-embedding-map", "420px");
    private final Span mapNote = id(new Span(), "campaign-map-note");
    private final Grid<ComputeCosts.Row> byStage = costGrid("costs-by-stage", "Stage");
    private final Grid<ComputeCosts.Row> byCategory = costGrid("costs-by-category", "Category");
    private final Span costTotal = id(new Span(), "costs-total");
    private final Grid<CampaignService.InstructionRow> instructions = new Grid<>();
    private long campaignId;
    private @Nullable Campaign shown;
    private @Nullable ScheduledFuture<?> refresh;

    public CampaignView(CampaignService campaigns, ObjectMapper json) {
        this.campaigns = campaigns;
        this.json = json;
        setWidthFull();
        FlexLayout counters = new FlexLayout();
        counters.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        counters.getStyle().set("gap", "var(--lumo-space-m)");
        for (String[] n : new String[][] {{"campaign-written", "Written"}, {"campaign-deduplicated", "Deduplicated"},
                {"campaign-failed-items", "Sources failed"}, {"jobs-queued", "Jobs queued"}, {"jobs-running", "Running"},
                {"jobs-done", "Done"}, {"jobs-failed", "Failed"}, {"samples-accepted", "Accepted"}}) {
            Span value = id(new Span("0"), n[0]);
            value.getStyle().set("font-size", "var(--lumo-font-size-xxl)").set("font-weight", "600");
            Div card = new Div(value, new Div(new Span(n[1])));
            card.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
                    .set("padding", "var(--lumo-space-s) var(--lumo-space-m)").set("min-width", "8em");
            numbers.put(n[0], value);
            counters.add(card);
        }
        progress.setWidthFull();
        error.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");

        instructions.getElement().setAttribute("data-testid", "campaign-instructions");
        instructions.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        instructions.addColumn(r -> r.category().toLowerCase(Locale.ROOT)).setHeader("Category").setAutoWidth(true).setSortable(true);
        instructions.addColumn(CampaignService.InstructionRow::text).setHeader("Instruction").setFlexGrow(1);
        instructions.addColumn(r -> r.sampleStatus() == null ? "" : r.sampleStatus()).setHeader("Sample").setAutoWidth(true);
        instructions.addColumn(CampaignService.InstructionRow::sourceId).setHeader("Source").setAutoWidth(true);
        instructions.addColumn(CampaignService.InstructionRow::engine).setHeader("Engine").setAutoWidth(true);
        instructions.setHeight("420px");

        mapNote.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        mixLine.getStyle().set("font-size", "var(--lumo-font-size-s)");
        add(new RouterLink("← All campaigns", CampaignsView.class), title, new Div(status, meta), mixLine, progress, counters, error,
                new H3("Diversity"), diversity,
                new H3("Instruction map"), mapNote, map,
                new H3("Compute spent"), costTotal, byStage, byCategory,
                new H3("Instructions"), instructions);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        campaignId = event.getRouteParameters().getLong("id").orElse(-1L);
        if (campaigns.find(campaignId).isEmpty()) {
            title.setText("There is no campaign " + campaignId + ".");
        }
    }

    private void render() {
        Campaign c = campaigns.find(campaignId).orElse(null);
        if (c == null || c.equals(shown)) {
            return;
        }
        boolean contentChanged = shown == null || shown.written() != c.written() || !shown.jobs().equals(c.jobs())
                || !shown.status().equals(c.status());
        shown = c;
        title.setText(c.name());
        status.setText(c.status());
        status.getElement().getThemeList().clear();
        status.getElement().getThemeList().add("badge " + badge(c.status()));
        meta.setText("  · engine " + c.engine() + " · " + c.sources() + " sources × " + c.perSource()
                + " instructions · started " + CampaignsView.TIME.format(c.createdAt())
                + (c.finishedAt() == null ? "" : " · writing finished " + CampaignsView.TIME.format(c.finishedAt())));
        double mixSum = c.categoryMix().values().stream().mapToDouble(Double::doubleValue).sum();
        mixLine.setText("Mix: " + c.categoryMix().entrySet().stream()
                .map(e -> e.getKey().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
                        + Math.round(100 * e.getValue() / (mixSum == 0 ? 1 : mixSum)) + "%").collect(java.util.stream.Collectors.joining(", "))
                + (c.advice().isEmpty() ? "" : " · from curators' decisions: " + String.join("; ", c.advice())));
        JobCounts jobs = JobCounts.of(c);
        set("campaign-written", c.written());
        set("campaign-deduplicated", c.deduplicated());
        set("campaign-failed-items", c.failedItems());
        set("jobs-queued", jobs.queued());
        set("jobs-running", jobs.running());
        set("jobs-done", jobs.done());
        set("jobs-failed", jobs.failed());
        progress.setValue(jobs.total() == 0 ? 0 : (jobs.done() + jobs.failed() + jobs.cancelled()) / (double) jobs.total());
        progress.getElement().setAttribute("data-finished", String.valueOf(jobs.finished() && !c.status().equals("RUNNING")
                && !c.status().equals("QUEUED")));
        error.setText(c.error() == null ? "" : c.error());
        diversity.removeAll();
        diversity.add(Diversity.figures(c.diversity()));
        if (contentChanged) {
            renderContent();
        }
    }

    private void renderContent() {
        Map<String, Long> samples = campaigns.sampleCounts(campaignId);
        set("samples-accepted", samples.getOrDefault("ACCEPTED", 0L));
        var embedded = campaigns.embeddings(campaignId, MAP_LIMIT);
        map.setOption(json.writeValueAsString(EmbeddingMap.option(embedded)));
        mapNote.setText(embedded.size() < 3 ? "The map fills in as instructions are written."
                : embedded.size() + " instructions projected from 384-d MiniLM embeddings onto their first two principal "
                + "components; sparse regions and small clusters show where the corpus is thin.");
        ComputeCosts costs = ComputeCosts.of(campaigns.sampleTimings(campaignId));
        byStage.setItems(costs.byStage());
        byCategory.setItems(costs.byCategory());
        ComputeCosts.Row t = costs.total();
        costTotal.setText(String.format(Locale.ROOT, "%d generated samples: %.1f GPU s, %.1f CPU s, %.1f wall s in all", t.samples(),
                t.gpu(), t.cpu(), t.wall()) + (costs.accepted() == 0 ? "; none accepted yet, so no cost per accepted sample."
                : String.format(Locale.ROOT, "; per accepted sample (%d): %.1f GPU s, %.1f CPU s.", costs.accepted(),
                t.gpu() / costs.accepted(), t.cpu() / costs.accepted())));
        instructions.setItems(campaigns.instructions(campaignId, 2000));
    }

    private void set(String key, long value) {
        numbers.get(key).setText(String.valueOf(value));
    }

    private static Grid<ComputeCosts.Row> costGrid(String testId, String first) {
        Grid<ComputeCosts.Row> grid = new Grid<>();
        grid.getElement().setAttribute("data-testid", testId);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(r -> r.name().toLowerCase(Locale.ROOT)).setHeader(first).setAutoWidth(true);
        grid.addColumn(ComputeCosts.Row::samples).setHeader("Samples").setAutoWidth(true);
        grid.addColumn(r -> seconds(r.gpu())).setHeader("GPU s").setAutoWidth(true);
        grid.addColumn(r -> seconds(r.cpu())).setHeader("CPU s").setAutoWidth(true);
        grid.addColumn(r -> seconds(r.wall())).setHeader("Wall s").setAutoWidth(true);
        grid.addColumn(ComputeCosts.Row::accepted).setHeader("Accepted").setAutoWidth(true);
        grid.addColumn(r -> r.accepted() == 0 ? "–" : seconds(r.gpu() / r.accepted())).setHeader("GPU s / accepted").setAutoWidth(true);
        grid.addColumn(r -> r.accepted() == 0 ? "–" : seconds(r.cpu() / r.accepted())).setHeader("CPU s / accepted").setAutoWidth(true);
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }

    static String badge(String status) {
        return switch (status) {
            case "DONE" -> "success";
            case "FAILED", "CANCELLED" -> "error";
            default -> "";
        };
    }

    private static <C extends com.vaadin.flow.component.Component> C id(C c, String testId) {
        c.getElement().setAttribute("data-testid", testId);
        return c;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        shown = null;
        render();
        refresh = CampaignsView.REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 2, 2, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
