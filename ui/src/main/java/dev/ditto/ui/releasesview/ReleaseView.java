package dev.ditto.ui.releasesview;

import static dev.ditto.ui.releasesview.Formats.id;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import dev.ditto.releases.Publication;
import dev.ditto.releases.PublicationService;
import dev.ditto.releases.QualityReport;
import dev.ditto.releases.Release;
import dev.ditto.releases.ReleaseComparison;
import dev.ditto.releases.ReleaseDiff;
import dev.ditto.releases.ReleaseException;
import dev.ditto.releases.ReleaseManifest;
import dev.ditto.releases.ReleasePublisher;
import dev.ditto.releases.ReleaseService;
import dev.ditto.ui.shared.EChart;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * One release: its state and counts, the diff from the previous version of the same name (counts and the first rows),
 * a comparison with any earlier release (picked; paged; CSV),
 * the manifest summary, the dataset card, and its publications. Admins publish it to the Hub or a folder in one
 * click and follow the progress (files, bytes, rate, time left), refreshed every second, to the resulting commit;
 * a failed publication resumes where it stopped. The Hub token never reaches the page: errors come redacted.
 */
@Route("releases/:id")
@PageTitle("Release · Ditto")
@PermitAll
public class ReleaseView extends VerticalLayout implements BeforeEnterObserver {
    static final int DIFF_ROWS = 10;

    private final ReleaseService releases;
    private final PublicationService publications;
    private final ObjectMapper json;
    private final boolean admin;

    private final H2 title = id(new H2(), "release-title");
    private final Span state = id(new Span(), "release-state");
    private final Span meta = id(new Span(), "release-meta");
    private final Span counts = id(new Span(), "release-counts");
    private final Span failure = id(new Span(), "release-failure");
    private final Div diff = id(new Div(), "release-diff");
    private final ReleaseCompare compare;
    private final Span diffSummary = id(new Span(), "release-diff-summary");
    private final Grid<DiffRow> diffRows = id(new Grid<>(), "release-diff-rows");
    private final Div manifest = id(new Div(), "release-manifest");
    private final Pre notes = id(new Pre(), "release-notes");
    private final Pre card = id(new Pre(), "release-card");
    private final Div quality = id(new Div(), "release-quality");
    private final Span qualitySummary = id(new Span(), "release-quality-summary");
    private final EChart judgeChart = new EChart("release-quality-judge", "20em");
    private final EChart metricsChart = new EChart("release-quality-metrics", "20em");
    private final EChart decisionsChart = new EChart("release-quality-decisions", "18em");
    private final Grid<QualityReport.Change> qualityDiff = id(new Grid<>(), "release-quality-diff");

    private final Select<ReleasePublisher.Target> target = id(new Select<>(), "publish-target");
    private final TextField destination = id(new TextField("Destination"), "publish-destination");
    private final Button publish = id(new Button(), "publish-button");
    private final Span publishError = id(new Span(), "publish-error");
    private final Span publishState = id(new Span(), "publish-state");
    private final ProgressBar progress = id(new ProgressBar(), "publish-progress");
    private final Span progressText = id(new Span(), "publish-progress-text");
    private final Anchor commit = id(new Anchor(), "publish-commit");
    private final Div current = id(new Div(), "publish-current");
    private final Grid<Publication> history = id(new Grid<>(), "publications-grid");

    private long releaseId;
    private @Nullable Release shown;
    private List<Publication> shownPublications = List.of();
    private @Nullable ScheduledFuture<?> refresh;

    public ReleaseView(ReleaseService releases, PublicationService publications, ReleaseComparison comparison, ObjectMapper json,
                       AuthenticationContext auth) {
        this.releases = releases;
        this.compare = new ReleaseCompare(comparison);
        this.publications = publications;
        this.json = json;
        this.admin = auth.hasRole("ADMIN");
        setWidthFull();

        failure.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");
        meta.getStyle().set("color", "var(--lumo-secondary-text-color)");
        diffRows.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        diffRows.addColumn(DiffRow::kind).setHeader("Change").setAutoWidth(true);
        diffRows.addColumn(DiffRow::sampleId).setHeader("Sample").setAutoWidth(true);
        diffRows.addColumn(DiffRow::detail).setHeader("Fields").setFlexGrow(1);
        diffRows.setAllRowsVisible(true);
        diff.add(diffSummary, diffRows);
        qualityDiff.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        qualityDiff.addColumn(QualityReport.Change::group).setHeader("Group").setAutoWidth(true);
        qualityDiff.addColumn(QualityReport.Change::measure).setHeader("Mean of").setAutoWidth(true);
        qualityDiff.addColumn(c -> Formats.decimal(c.previous())).setHeader("Previous").setAutoWidth(true);
        qualityDiff.addColumn(c -> Formats.decimal(c.current())).setHeader("Now").setAutoWidth(true);
        qualityDiff.addColumn(c -> c.previous() == null || c.current() == null ? ""
                : Formats.signed(c.current() - c.previous())).setHeader("Change").setAutoWidth(true);
        qualityDiff.setAllRowsVisible(true);
        quality.setWidthFull();
        quality.add(qualitySummary, new H3("Judge scores (p10, p25, median, p75, p90)"), judgeChart,
                new H3("Runner metrics"), metricsChart, new H3("Decisions"), decisionsChart, qualityDiff);
        for (Pre pre : List.of(card, notes)) {
            pre.getStyle().set("white-space", "pre-wrap").set("font-size", "var(--lumo-font-size-s)")
                    .set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-m)")
                    .set("border-radius", "var(--lumo-border-radius-m)").set("max-height", "40em").set("overflow", "auto")
                    .set("width", "100%").set("box-sizing", "border-box").set("margin", "0");
        }

        target.setLabel("Target");
        target.setItems(ReleasePublisher.Target.values());
        target.setItemLabelGenerator(t -> t == ReleasePublisher.Target.HUB ? "Hugging Face Hub" : "Folder");
        target.setValue(ReleasePublisher.Target.HUB);
        target.addValueChangeListener(e -> {
            destinationHint();
            publishLabel();
        });
        destination.setWidth("28em");
        destination.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.EAGER);
        destination.addValueChangeListener(e -> publishLabel());
        destinationHint();
        publish.setIcon(VaadinIcon.UPLOAD.create());
        publish.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        publish.addClickListener(e -> publish());
        publishError.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");
        HorizontalLayout publishForm = new HorizontalLayout(target, destination, publish);
        publishForm.setAlignItems(FlexComponent.Alignment.BASELINE);
        publishForm.setVisible(admin);
        publishError.setVisible(admin);

        progress.setWidthFull();
        commit.setTarget(AnchorTarget.BLANK);
        commit.setVisible(false);
        current.add(new Div(publishState, new Span(" "), progressText), progress, commit);
        current.setWidthFull();
        current.setVisible(false);

        history.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        history.addColumn(Publication::id).setHeader("#").setAutoWidth(true);
        history.addComponentColumn(p -> {
            Span s = id(new Span(p.state().name()), "publication-state");
            s.getElement().getThemeList().add("badge " + Formats.badge(p.state()));
            return s;
        }).setHeader("State").setAutoWidth(true);
        history.addColumn(p -> p.target().name().toLowerCase(Locale.ROOT)).setHeader("Target").setAutoWidth(true);
        history.addColumn(Publication::destination).setHeader("Destination").setAutoWidth(true);
        history.addColumn(Formats::progress).setHeader("Progress").setAutoWidth(true);
        history.addColumn(p -> p.finishedAt() == null ? Formats.TIME.format(p.createdAt()) : Formats.TIME.format(p.finishedAt()))
                .setHeader("Updated").setAutoWidth(true);
        history.addComponentColumn(p -> p.commitUrl() == null ? new Span(p.error() == null ? "" : p.error())
                : commitLink(p)).setHeader("Commit / error").setFlexGrow(1);
        history.addComponentColumn(this::resumeButton).setHeader("").setAutoWidth(true);
        history.setAllRowsVisible(true);

        add(new RouterLink("← All releases", ReleasesView.class), title, new Div(state, meta), counts, failure,
                new H3("Changes from the previous version"), diff,
                new H3("Compare with an earlier release"), compare,
                new H3("Quality"), quality,
                new H3("Publish"), publishForm, publishError, current, history,
                new H3("Manifest"), manifest,
                new H3("Release notes"), notes,
                new H3("Dataset card (README.md)"), card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        releaseId = event.getRouteParameters().getLong("id").orElse(-1L);
        if (find().isEmpty()) {
            title.setText("There is no release " + releaseId + ".");
        }
    }

    private Optional<Release> find() {
        try {
            return Optional.of(releases.get(releaseId));
        } catch (ReleaseException e) {
            return Optional.empty();
        }
    }

    private void render() {
        Release r = find().orElse(null);
        if (r != null && !r.equals(shown)) {
            shown = r;
            renderRelease(r);
        }
        if (r != null) {
            renderPublications(publications.ofRelease(releaseId));
        }
    }

    private void renderRelease(Release r) {
        title.setText(r.name() + " " + r.version());
        state.setText(r.state().name());
        state.getElement().getThemeList().clear();
        state.getElement().getThemeList().add("badge " + Formats.badge(r.state()));
        meta.setText("  · " + r.sampleCount() + " samples · created " + Formats.TIME.format(r.createdAt())
                + (r.builtAt() == null ? "" : " · built " + Formats.TIME.format(r.builtAt()))
                + (r.manifestSha256() == null ? "" : " · manifest sha256 " + r.manifestSha256().substring(0, Math.min(12, r.manifestSha256().length()))));
        counts.setText((r.counts().isEmpty() ? "" : "By category: " + Formats.counts(r.counts()))
                + (r.sim2real() == null ? "" : " · sim2real subset: " + r.sim2real().pairs() + " reverse pairs of "
                        + String.join(", ", r.sim2real().categories())));
        failure.setText(r.error() == null ? "" : r.error());

        ReleaseDiff d = r.diff();
        diff.getElement().setAttribute("data-added", String.valueOf(d.added()));
        diff.getElement().setAttribute("data-removed", String.valueOf(d.removed()));
        diff.getElement().setAttribute("data-changed", String.valueOf(d.changed()));
        if (r.previousVersion() == null) {
            diffSummary.setText("The first version of " + r.name() + ": all " + r.sampleCount() + " samples are new.");
        } else {
            diffSummary.setText("Since " + r.previousVersion() + ": " + d.added() + " added, " + d.removed() + " removed, "
                    + d.changed() + " changed.");
        }
        List<DiffRow> rows = diffRows(d);
        diffRows.setItems(rows);
        diffRows.setVisible(!rows.isEmpty());
        compare.show(r, releases.list(500, 0));

        renderQuality(r);
        notes.setText(r.notes() == null || r.notes().isBlank() ? "(none)" : r.notes());
        card.setText(r.publishable() ? releases.card(r).orElse("No README.md: the release's files are missing.")
                : "The dataset card is written when the release is built.");
        manifest.removeAll();
        manifest.add(manifestSummary(r));
        publishLabel();
    }

    private void renderQuality(Release r) {
        QualityReport q = r.quality();
        boolean present = q != null;
        for (Component c : List.of(judgeChart, metricsChart, decisionsChart)) {
            c.setVisible(present);
        }
        quality.getChildren().filter(H3.class::isInstance).forEach(c -> c.setVisible(present));
        List<QualityReport.Change> changes = r.diff().quality();
        qualityDiff.setItems(changes);
        qualityDiff.setVisible(!changes.isEmpty());
        if (q == null) {
            qualitySummary.setText("The quality report is written when the release is built.");
            return;
        }
        QualityReport.Decisions d = q.overall().decisions();
        quality.getElement().setAttribute("data-samples", String.valueOf(q.overall().samples()));
        quality.getElement().setAttribute("data-acceptance", d.acceptanceRate() == null ? "" : String.valueOf(d.acceptanceRate()));
        qualitySummary.setText(q.overall().samples() + " shipped samples; " + d.accepted() + " of " + d.decided()
                + " decided samples of the selection accepted" + (d.acceptanceRate() == null ? ""
                : String.format(Locale.ROOT, " (%.1f%%)", d.acceptanceRate() * 100))
                + "; mean judge score " + Formats.decimal(q.overall().judge().containsKey(QualityReport.JUDGE_OVERALL)
                ? q.overall().judge().get(QualityReport.JUDGE_OVERALL).mean() : null)
                + ". Every number is in quality_report.json" + (changes.isEmpty() ? "." : "; below, the means beside "
                + r.previousVersion() + "'s."));
        judgeChart.setOption(json.writeValueAsString(QualityCharts.judge(q)));
        metricsChart.setOption(json.writeValueAsString(QualityCharts.metrics(q)));
        decisionsChart.setOption(json.writeValueAsString(QualityCharts.decisions(q)));
    }

    /** The first rows of each kind of change. */
    static List<DiffRow> diffRows(ReleaseDiff d) {
        List<DiffRow> rows = new ArrayList<>();
        d.addedIds().stream().limit(DIFF_ROWS).forEach(id -> rows.add(new DiffRow("added", id, "")));
        d.removedIds().stream().limit(DIFF_ROWS).forEach(id -> rows.add(new DiffRow("removed", id, "")));
        d.changes().stream().limit(DIFF_ROWS).forEach(c -> rows.add(new DiffRow("changed", c.sampleId(),
                String.join(", ", c.fields()))));
        return rows;
    }

    private Component manifestSummary(Release r) {
        if (!r.publishable()) {
            return new Span("The manifest is written when the release is built.");
        }
        ReleaseManifest m;
        try {
            m = ReleaseManifest.read(releases.directory(r), json);
        } catch (IOException | RuntimeException e) {
            return new Span("The manifest could not be read: " + e.getMessage());
        }
        long shards = m.files().stream().filter(f -> f.path().endsWith(".tar")).count();
        long shardBytes = m.files().stream().filter(f -> f.path().endsWith(".tar")).mapToLong(ReleaseManifest.FileEntry::size).sum();
        Div box = new Div();
        box.getElement().setAttribute("data-files", String.valueOf(m.files().size()));
        box.getElement().setAttribute("data-bytes", String.valueOf(m.totalBytes()));
        box.add(new Div(new Span(m.files().size() + " files, " + Formats.bytes(m.totalBytes()) + " in all; " + shards
                + " video shards (" + Formats.bytes(shardBytes) + ")"
                + (r.manifestSha256() == null ? "" : "; manifest.json sha256 " + r.manifestSha256()))));
        Grid<ReleaseManifest.FileEntry> files = new Grid<>();
        files.addThemeVariants(GridVariant.LUMO_COMPACT);
        files.addColumn(ReleaseManifest.FileEntry::path).setHeader("File (largest first, then the rest by path)").setFlexGrow(1);
        files.addColumn(f -> Formats.bytes(f.size())).setHeader("Size").setAutoWidth(true);
        files.addColumn(f -> f.sha256().substring(0, Math.min(16, f.sha256().length())) + "…").setHeader("sha256").setAutoWidth(true);
        List<ReleaseManifest.FileEntry> nonShards = m.files().stream().filter(f -> !f.path().endsWith(".tar"))
                .sorted(Comparator.comparing(ReleaseManifest.FileEntry::path)).toList();
        List<ReleaseManifest.FileEntry> largestShards = m.files().stream().filter(f -> f.path().endsWith(".tar"))
                .sorted(Comparator.comparingLong(ReleaseManifest.FileEntry::size).reversed()).limit(5).toList();
        List<ReleaseManifest.FileEntry> listed = new ArrayList<>(nonShards.stream().limit(20).toList());
        listed.addAll(0, largestShards);
        files.setItems(listed);
        files.setAllRowsVisible(true);
        files.getElement().setAttribute("data-testid", "release-manifest-files");
        box.add(files);
        return box;
    }

    private void renderPublications(List<Publication> latest) {
        if (latest.equals(shownPublications)) {
            return;
        }
        boolean first = shownPublications.isEmpty();
        shownPublications = latest;
        history.setItems(latest);
        history.setVisible(!latest.isEmpty());
        if (first && !latest.isEmpty() && destination.isEmpty()) {
            target.setValue(latest.getFirst().target());
            destination.setValue(latest.getFirst().destination());
        }
        if (latest.isEmpty()) {
            current.setVisible(false);
            return;
        }
        Publication p = latest.getFirst();
        current.setVisible(true);
        current.getElement().setAttribute("data-publication-id", String.valueOf(p.id()));
        publishState.setText(p.state().name());
        publishState.getElement().getThemeList().clear();
        publishState.getElement().getThemeList().add("badge " + Formats.badge(p.state()));
        publishState.getElement().setAttribute("data-finished", String.valueOf(p.finished()));
        boolean waiting = p.state() == Publication.State.QUEUED || (p.state() == Publication.State.RUNNING && p.filesTotal() == 0);
        progress.setIndeterminate(waiting);
        progress.setValue(Formats.fraction(p));
        progress.getElement().setAttribute("data-finished", String.valueOf(p.finished()));
        progressText.setText("Publication #" + p.id() + " to " + p.destination() + ": " + Formats.progress(p)
                + (p.error() == null ? "" : " · " + p.error()));
        if (p.commitUrl() != null && Formats.isWebLink(p.commitUrl())) {
            commit.setHref(p.commitUrl());
            commit.setText("Commit " + (p.commitId() == null ? p.commitUrl() : p.commitId()));
            commit.setVisible(true);
        } else if (p.state() == Publication.State.DONE) {
            // a folder target's location is a path on the server, not a link a browser may follow
            commit.removeHref();
            commit.setText("Published to " + (p.commitUrl() == null ? p.destination() : Formats.location(p.commitUrl())));
            commit.setVisible(true);
        } else {
            commit.setVisible(false);
        }
        publishLabel();
    }

    private Component commitLink(Publication p) {
        if (p.commitUrl() == null || !Formats.isWebLink(p.commitUrl())) {
            Span where = new Span(p.commitUrl() == null ? (p.commitId() == null ? "" : shortSha(p.commitId()))
                    : Formats.location(p.commitUrl()));
            where.getElement().setAttribute("data-testid", "publication-commit");
            return where;
        }
        Anchor a = new Anchor(p.commitUrl(), p.commitId() == null ? "commit" : shortSha(p.commitId()));
        a.setTarget(AnchorTarget.BLANK);
        a.getElement().setAttribute("data-testid", "publication-commit");
        return a;
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private Component resumeButton(Publication p) {
        if (!admin || (p.state() != Publication.State.FAILED && p.state() != Publication.State.CANCELLED)) {
            return new Span();
        }
        Button resume = id(new Button("Resume", VaadinIcon.PLAY.create()), "publication-resume");
        resume.addThemeVariants(ButtonVariant.LUMO_SMALL);
        resume.getElement().setAttribute("data-publication-id", String.valueOf(p.id()));
        resume.addClickListener(e -> {
            publishError.setText("");
            try {
                publications.resume(p.id());
            } catch (ReleaseException ex) {
                publishError.setText(ex.getMessage());
            }
            render();
        });
        return resume;
    }

    private void publish() {
        publishError.setText("");
        if (!admin) {
            publishError.setText("Only an admin can publish a release.");
            return;
        }
        ReleasePublisher.Target t = target.getValue();
        if (t == null) {
            publishError.setText("Choose where to publish: the Hub or a folder.");
            return;
        }
        try {
            publications.publish(releaseId, t, destination.getValue());
        } catch (ReleaseException | IllegalArgumentException ex) {
            publishError.setText(ex.getMessage());
        }
        render();
    }

    private void destinationHint() {
        boolean hub = target.getValue() == ReleasePublisher.Target.HUB;
        destination.setPlaceholder(hub ? "org/name" : "/data/exports/ditto");
        destination.setHelperText(hub ? "A Hub dataset repository id; the token comes from the server's configuration"
                : "A folder on the server inside ditto.releases.publish-roots; the release's files are copied into it");
    }

    private void publishLabel() {
        Release r = shown;
        String dest = destination.getValue().strip();
        publish.setText("Publish v" + (r == null ? "" : r.version()) + " to " + (dest.isEmpty() ? "<destination>" : dest));
        boolean busy = shownPublications.stream().anyMatch(p -> !p.finished() && p.destination().equals(dest));
        publish.setEnabled(r != null && r.publishable() && !busy);
    }

    /** One row of the diff table. */
    record DiffRow(String kind, long sampleId, String detail) {}

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        shown = null;
        shownPublications = List.of();
        render();
        refresh = ReleasesView.REFRESH.scheduleWithFixedDelay(() -> ui.access(this::render), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
