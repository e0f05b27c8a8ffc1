package dev.ditto.ui.sampleview;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.curation.ReviewItem;
import dev.ditto.curation.ReviewService;
import dev.ditto.samples.SampleRegeneration;
import dev.ditto.ui.shared.MediaUrls;
import dev.ditto.ui.shared.Video;
import jakarta.annotation.security.PermitAll;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code samples/:id}: one sample on a page of its own. The source clip and the edited video side by side, the
 * instruction, the judge's verdict, the runner's metrics, and the provenance as a table of stages (engine, model,
 * version, seed, and what each stage recorded: model server version, model files with their sha256, workflow hash).
 * Curators and admins regenerate it: the recorded job runs again as a new sample linked both ways.
 */
@Route("samples/:id")
@PageTitle("Sample · Ditto")
@PermitAll
public class SampleView extends VerticalLayout implements BeforeEnterObserver {
    private final ReviewService reviews;
    private final SampleRegeneration regeneration;
    private final ObjectMapper json;
    private final boolean mayRegenerate;

    private final H2 title = testId(new H2(), "sample-title");
    private final Paragraph instruction = testId(new Paragraph(), "sample-instruction");
    private final Span facts = testId(new Span(), "sample-facts");
    private final Div videos = new Div();
    private final Div metrics = testId(new Div(), "sample-metrics");
    private final Span runner = testId(new Span(), "provenance-runner");
    private final Grid<ProvenanceRows.Row> provenance = testId(new Grid<>(), "provenance-stages");
    private final Div lineage = testId(new Div(), "sample-lineage");
    private final Button regenerate = testId(new Button("Regenerate", VaadinIcon.REFRESH.create()), "regenerate");
    private long sampleId;

    public SampleView(ReviewService reviews, SampleRegeneration regeneration, ObjectMapper json, AuthenticationContext auth) {
        this.reviews = reviews;
        this.regeneration = regeneration;
        this.json = json;
        this.mayRegenerate = auth.hasAnyRole("CURATOR", "ADMIN");
        setWidthFull();
        instruction.getStyle().set("font-size", "var(--lumo-font-size-l)").set("font-weight", "600").set("margin", "0");
        facts.getStyle().set("color", "var(--lumo-secondary-text-color)");
        videos.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)").set("flex-wrap", "wrap").set("width", "100%");
        metrics.getStyle().set("display", "grid").set("grid-template-columns", "max-content 1fr")
                .set("column-gap", "var(--lumo-space-m)").set("font-size", "var(--lumo-font-size-s)");
        provenance.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        provenance.addColumn(ProvenanceRows.Row::stage).setHeader("Stage").setAutoWidth(true).setFlexGrow(0);
        provenance.addColumn(ProvenanceRows.Row::engine).setHeader("Engine").setAutoWidth(true).setFlexGrow(0);
        provenance.addColumn(ProvenanceRows.Row::model).setHeader("Model").setFlexGrow(1);
        provenance.addColumn(ProvenanceRows.Row::version).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
        provenance.addColumn(ProvenanceRows.Row::seed).setHeader("Seed").setAutoWidth(true).setFlexGrow(0);
        provenance.addColumn(r -> r.details().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" · "))).setHeader("Recorded").setFlexGrow(2);
        provenance.setAllRowsVisible(true);
        provenance.setWidthFull();
        regenerate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        regenerate.setTooltipText("Queue this sample again from its recorded job: same clip, instruction, operator, "
                + "parameters and seed. The result is a new sample; this one stays.");
        regenerate.addClickListener(e -> regenerate());
        regenerate.setVisible(mayRegenerate);
        add(title, instruction, facts, regenerate, videos, heading("Metrics"), metrics, heading("Provenance"), runner,
                provenance, heading("Regenerations"), lineage);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Optional<Long> id = event.getRouteParameters().get("id").flatMap(SampleView::parse);
        if (id.isEmpty()) {
            showMissing("“" + event.getRouteParameters().get("id").orElse("") + "” is not a sample id");
            return;
        }
        sampleId = id.get();
        refresh();
    }

    private void refresh() {
        Optional<ReviewItem> item = reviews.item(sampleId);
        if (item.isEmpty()) {
            showMissing("Sample #" + sampleId + " does not exist");
            return;
        }
        show(item.get());
    }

    private void show(ReviewItem item) {
        title.setText("Sample #" + item.sampleId() + " · " + item.category().toLowerCase(Locale.ROOT).replace('_', ' '));
        instruction.setText(item.instruction());
        facts.setText(item.status() + (item.judgeScore() == null ? "" : String.format(Locale.ROOT, " · judge %.2f",
                item.judgeScore())) + (item.judgeEngine() == null ? "" : " (" + item.judgeEngine() + ")")
                + " · source " + item.sourceName() + (item.caption() == null ? "" : " · “" + item.caption() + "”"));
        videos.removeAll();
        videos.add(player("Source", item.sourceClipKey(), "sample-source"), player("Edited", item.editedKey(), "sample-edited"));
        metrics.removeAll();
        for (Map.Entry<String, String> m : item.metrics().entrySet()) {
            metrics.add(new Span(m.getKey()), new Span(m.getValue()));
        }
        if (item.metrics().isEmpty()) {
            metrics.add(new Span("none yet"));
        }
        ProvenanceRows rows = ProvenanceRows.parse(json, item.provenanceJson());
        runner.setText(rows.rows().isEmpty() ? "Not generated yet." : "Runner " + rows.runner());
        provenance.setItems(rows.rows());
        provenance.setVisible(!rows.rows().isEmpty());
        showLineage(regeneration.lineage(item.sampleId()));
        regenerate.setEnabled(!item.status().equals("QUEUED") && !item.status().equals("GENERATING"));
    }

    private void showLineage(SampleRegeneration.Lineage l) {
        lineage.removeAll();
        if (l.regeneratedFrom() != null) {
            lineage.add(new Div(new Span("Regenerated from "), link(l.regeneratedFrom())));
        }
        for (SampleRegeneration.Related r : l.regenerations()) {
            lineage.add(new Div(new Span("Regenerated as "), link(r)));
        }
        if (l.regeneratedFrom() == null && l.regenerations().isEmpty()) {
            lineage.add(new Span("None."));
        }
    }

    private static Div link(SampleRegeneration.Related r) {
        RouterLink link = new RouterLink("#" + r.sampleId(), SampleView.class,
                new com.vaadin.flow.router.RouteParameters("id", String.valueOf(r.sampleId())));
        link.getElement().setAttribute("data-testid", "lineage-" + r.sampleId());
        return new Div(link, new Span(" · " + r.status() + (r.judgeScore() == null ? ""
                : String.format(Locale.ROOT, " · judge %.2f", r.judgeScore()))));
    }

    private void regenerate() {
        try {
            SampleRegeneration.Regenerated r = regeneration.regenerate(sampleId);
            Notification n = Notification.show("Queued as sample #" + r.sampleId() + " (" + r.op() + ", seed " + r.seed() + ")");
            n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            refresh();
        } catch (SampleRegeneration.NotRegenerableException | SampleRegeneration.SampleNotFoundException e) {
            Notification.show(e.getMessage()).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
    }

    private void showMissing(String why) {
        title.setText(why);
        instruction.setText("");
        facts.setText("");
        videos.removeAll();
        metrics.removeAll();
        provenance.setItems();
        lineage.removeAll();
        regenerate.setVisible(false);
    }

    private static Div player(String label, @Nullable String key, String id) {
        Video video = new Video();
        video.setSrc(MediaUrls.blob(key));
        video.setControls(true);
        video.setTestId(id);
        video.getElement().setAttribute("loop", true);
        video.getStyle().set("width", "100%").set("background", "black");
        Div column = new Div(new Span(label), video);
        column.getStyle().set("flex", "1 1 24em").set("min-width", "0");
        return column;
    }

    private static H3 heading(String text) {
        H3 h = new H3(text);
        h.getStyle().set("font-size", "var(--lumo-font-size-m)").set("margin", "var(--lumo-space-s) 0 0");
        return h;
    }

    private static Optional<Long> parse(String id) {
        try {
            return Optional.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static <T extends com.vaadin.flow.component.Component> T testId(T c, String id) {
        c.getElement().setAttribute("data-testid", id);
        return c;
    }
}
