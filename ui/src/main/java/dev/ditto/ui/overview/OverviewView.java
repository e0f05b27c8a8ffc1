package dev.ditto.ui.overview;

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
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.overview.PipelineCounts;
import dev.ditto.overview.PipelineSnapshot;
import dev.ditto.platform.DiskSpaceWatch;
import dev.ditto.platform.FreeSpace;
import dev.ditto.ui.shared.EChart;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * The landing page: counts by stage and status, queue depth, runners, throughput and acceptance per hour and the
 * judge's score distribution, as plots with the numbers beside them, refreshed live over push every few seconds; admins
 * also see the disks' free space and a warning for a folder that is filling up.
 */
@Route("")
@PageTitle("Overview · Ditto")
@Menu(title = "Overview", order = 0, icon = "vaadin:dashboard")
@PermitAll
public class OverviewView extends VerticalLayout {
    private static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "overview-refresh");
        t.setDaemon(true);
        return t;
    });

    private static final int FEW_RUNNERS = 15;

    private final PipelineCounts counts;
    private final ObjectMapper json;
    private final @Nullable DiskSpaceWatch disk;
    private final FlexLayout cards = new FlexLayout();
    private final EChart samplesChart = new EChart("chart-samples", "260px");
    private final EChart throughputChart = new EChart("chart-throughput", "260px");
    private final EChart acceptanceChart = new EChart("chart-acceptance", "260px");
    private final EChart scoresChart = new EChart("chart-scores", "260px");
    private final Span throughputSummary = summary("throughput-summary");
    private final Span acceptanceSummary = summary("acceptance-summary");
    private final Span scoresSummary = summary("scores-summary");
    private final Grid<PipelineSnapshot.RunnerStatus> runners = new Grid<>();
    private final Span runnersNote = summary("runners-note");
    private final Map<EChart, String> drawn = new HashMap<>();
    private @Nullable Instant shown;
    private @Nullable ScheduledFuture<?> refresh;

    public OverviewView(PipelineCounts counts, ObjectMapper json, DiskSpaceWatch disk, AuthenticationContext auth) {
        this.counts = counts;
        this.json = json;
        this.disk = auth.hasRole("ADMIN") ? disk : null;
        setWidthFull();
        cards.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        cards.getStyle().set("gap", "var(--lumo-space-m)");

        runners.getElement().setAttribute("data-testid", "runners");
        runners.addThemeVariants(GridVariant.LUMO_COMPACT);
        runners.addColumn(PipelineSnapshot.RunnerStatus::name).setHeader("Runner").setAutoWidth(true);
        runners.addColumn(r -> r.alive() ? "alive" : "offline").setHeader("State").setAutoWidth(true);
        runners.addColumn(r -> r.busy() ? "busy (" + r.runningJobs() + ")" : "idle").setHeader("Work").setAutoWidth(true);
        runners.addColumn(r -> ago(r.lastHeartbeat())).setHeader("Last heartbeat").setAutoWidth(true);
        runners.addColumn(r -> r.host() == null ? "" : r.host()).setHeader("Host").setAutoWidth(true);
        runners.addColumn(PipelineSnapshot.RunnerStatus::jobsDone).setHeader("Done").setAutoWidth(true);
        runners.addColumn(PipelineSnapshot.RunnerStatus::jobsFailed).setHeader("Failed").setAutoWidth(true);
        // a page of rows at a time, however many runners there are: the first from the shared snapshot
        runners.setPageSize(PipelineCounts.RECENT_RUNNERS);
        runners.setItems(query -> counts.runners(query.getOffset(), query.getLimit()).stream());

        FlexLayout charts = new FlexLayout(
                panel("Samples by stage", samplesChart, summary("samples-summary")),
                panel("Generated per hour (24 h)", throughputChart, throughputSummary),
                panel("Decisions per hour and acceptance (24 h)", acceptanceChart, acceptanceSummary),
                panel("Judge score distribution", scoresChart, scoresSummary));
        charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        charts.getStyle().set("gap", "var(--lumo-space-m)");
        charts.setWidthFull();
        add(new H2("Overview"), cards, charts, new H3("Runners"), runnersNote, runners);
    }

    private void render() {
        PipelineSnapshot s = counts.snapshot();
        if (s.at().equals(shown)) {
            return;
        }
        shown = s.at();
        cards.removeAll();
        cards.add(card("Sources", s.sources(), "sources"));
        cards.add(card("Clips", Map.of("normalised", s.clips()), "clips"));
        cards.add(card("Jobs", s.jobs(), "jobs"));
        cards.add(card("Samples", s.samples(), "samples"));
        cards.add(card("Queue depth", s.queueDepth(), "queue-depth"));
        PipelineSnapshot.Fleet fleet = s.fleet();
        Map<String, Long> states = new java.util.LinkedHashMap<>();
        states.put("alive", fleet.alive());
        states.put("offline", fleet.offline());
        Div runnerCard = card("Runners", states, "runners-summary");
        runnerCard.add(new Div(new Span("busy: " + fleet.busy())));
        cards.add(runnerCard);
        if (disk != null) {
            cards.add(diskCard(disk));
        }
        boolean few = fleet.registered() <= FEW_RUNNERS; // a small fleet is shown whole, a large one in a scrolling grid
        runners.setAllRowsVisible(few);
        runners.setHeight(few ? null : "24em");
        runnersNote.setText(few ? "" : fleet.registered() + " runners, most recently heard from first (scroll for more)");
        runners.getDataProvider().refreshAll();

        draw(samplesChart, Charts.samplesByStage(s));
        draw(throughputChart, Charts.throughput(s));
        draw(acceptanceChart, Charts.acceptance(s));
        draw(scoresChart, Charts.judgeScores(s));
        long generated = s.generatedPerHour().stream().mapToLong(PipelineSnapshot.HourCount::count).sum();
        throughputSummary.setText(generated + " samples generated in the last 24 h");
        long accepted = s.decisionsPerHour().stream().mapToLong(PipelineSnapshot.HourDecisions::accepted).sum();
        long rejected = s.decisionsPerHour().stream().mapToLong(PipelineSnapshot.HourDecisions::rejected).sum();
        long auto = s.decisionsPerHour().stream().mapToLong(PipelineSnapshot.HourDecisions::autoRejected).sum();
        acceptanceSummary.setText(accepted + " accepted, " + rejected + " rejected by curators, " + auto
                + " auto-rejected by the judge in the last 24 h"
                + (accepted + rejected == 0 ? "" : String.format(" · acceptance %.0f%%", 100.0 * accepted / (accepted + rejected))));
        long judged = s.judgeScores().stream().mapToLong(b -> b.passed() + b.autoRejected()).sum();
        scoresSummary.setText(judged + " judged samples");
    }

    private void draw(EChart chart, Map<String, Object> option) {
        String text = json.writeValueAsString(option);
        if (!text.equals(drawn.get(chart))) {
            drawn.put(chart, text);
            chart.setOption(text);
        }
    }

    private static Div panel(String title, EChart chart, Span summary) {
        H3 heading = new H3(title);
        heading.getStyle().set("font-size", "var(--lumo-font-size-m)").set("margin", "0");
        Div panel = new Div(heading, chart, summary);
        panel.getStyle().set("flex", "1 1 28em").set("min-width", "0").set("border", "1px solid var(--lumo-contrast-10pct)")
                .set("border-radius", "var(--lumo-border-radius-l)").set("padding", "var(--lumo-space-m)");
        return panel;
    }

    private static Span summary(String testId) {
        Span span = new Span();
        span.getElement().setAttribute("data-testid", testId);
        span.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        return span;
    }

    /**
     * Admins only: the free space of the blob store's folder (and the embedded PostgreSQL's and Elasticsearch's data
     * folders), with a warning in the error colour for each one below {@code ditto.disk.warn-free-mb} or
     * {@code ditto.disk.warn-free-percent}.
     */
    private static Div diskCard(DiskSpaceWatch disk) {
        Div card = frame("Disk space", "disk");
        for (DiskSpaceWatch.Folder folder : disk.folders()) {
            Div line = new Div(new Span(folder.name() + ": " + FreeSpace.mb(folder.freeBytes()) + " MB free"));
            card.add(line);
            if (folder.low()) {
                Div warning = new Div(new Span(folder.warning()));
                warning.getElement().setAttribute("data-testid", "disk-warning");
                warning.getStyle().set("color", "var(--lumo-error-text-color)").set("max-width", "28em");
                card.add(warning);
            }
        }
        return card;
    }

    private static Div card(String title, Map<String, Long> values, String testId) {
        Div card = frame(title, testId);
        long total = values.values().stream().mapToLong(Long::longValue).sum();
        Span totalSpan = new Span("Total " + total);
        totalSpan.getStyle().set("font-weight", "600");
        card.add(totalSpan);
        values.forEach((k, v) -> card.add(new Div(new Span(k + ": " + v))));
        return card;
    }

    private static Div frame(String title, String testId) {
        Div card = new Div(new H3(title));
        card.getElement().setAttribute("data-testid", "card-" + testId);
        card.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("padding", "var(--lumo-space-m)").set("min-width", "12em");
        return card;
    }

    private static String ago(@Nullable Instant at) {
        if (at == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(at, Instant.now()).toSeconds());
        return seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago" : seconds / 3600 + " h ago";
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        drawn.clear();
        shown = null;
        render();
        refresh = REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 3, 3, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
