package dev.ditto.ui.sourcesview;

import static dev.ditto.ui.sourcesview.TestIds.id;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.sources.Source;
import dev.ditto.sources.SourceFilters;
import dev.ditto.sources.SourceQuery;
import dev.ditto.sources.SourceService;
import dev.ditto.sources.UploadGate;
import dev.ditto.ui.shared.MediaUrls;
import jakarta.annotation.security.PermitAll;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sources: upload (curators and admins), the gallery with thumbnails, duration, resolution, status (with why the
 * probe filters quarantined a source, and Release / Archive for admins), every probe score and the dense caption
 * (viewed, edited and re-captioned in a dialog), filters on each, near-duplicate groups, and "Start campaign" for the
 * selected sources. The gallery is a lazy grid: the server pages and filters every source in SQL. Admins re-evaluate
 * the probe filters on request (a preview first). Rows refresh every few seconds as PROBE jobs finish.
 */
@Route("sources")
@PageTitle("Sources · Ditto")
@Menu(title = "Sources", order = 2, icon = "vaadin:film")
@PermitAll
public class SourcesView extends VerticalLayout {
    /** "Select all shown" selects at most this many sources. */
    static final int SELECT_LIMIT = 5000;
    static final List<String> STATUSES = List.of("NEW", "PROBING", "READY", "QUARANTINED", "FAILED", "DUPLICATE", "ARCHIVED");
    private static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sources-refresh");
        t.setDaemon(true);
        return t;
    });

    private final SourceService sources;
    private final CampaignService campaigns;
    private final boolean canEdit;
    private final boolean isAdmin;
    private final Grid<Source> grid = id(new Grid<>(), "source-grid");
    private final MultiSelectComboBox<String> statusFilter = id(new MultiSelectComboBox<>("Status"), "filter-status");
    private final MultiSelectComboBox<String> tagFilter = id(new MultiSelectComboBox<>("Tags (all of)"), "filter-tags");
    private final TextField nameFilter = id(new TextField("Name"), "filter-name");
    private final TextField searchFilter = id(new TextField("Search name, caption, tags"), "filter-search");
    private final Map<Scores, NumberField[]> rangeFields = new EnumMap<>(Scores.class);
    private final Span shownCount = id(new Span(), "source-count");
    private final Span selectionCount = id(new Span(), "selection-count");
    private final Button startCampaign = id(new Button("Start campaign…"), "start-campaign");
    private final NearDuplicatesPanel duplicates;
    private SourceQuery current = SourceQuery.all();
    private String version = "";
    private @Nullable ScheduledFuture<?> refresh;

    public SourcesView(SourceService sources, CampaignService campaigns, AuthenticationContext auth, UploadGate uploads) {
        this.sources = sources;
        this.campaigns = campaigns;
        this.canEdit = auth.hasAnyRole("CURATOR", "ADMIN");
        this.isAdmin = auth.hasRole("ADMIN");
        setWidthFull();
        add(new H2("Sources"));
        if (canEdit) {
            add(new UploadPanel(sources, uploads.maxConcurrent(), this::reload));
        }

        statusFilter.setItems(STATUSES);
        statusFilter.addValueChangeListener(e -> applyFilter());
        tagFilter.addValueChangeListener(e -> applyFilter());
        nameFilter.setValueChangeMode(ValueChangeMode.LAZY);
        nameFilter.addValueChangeListener(e -> applyFilter());
        nameFilter.setClearButtonVisible(true);
        searchFilter.setValueChangeMode(ValueChangeMode.LAZY);
        searchFilter.addValueChangeListener(e -> applyFilter());
        searchFilter.setClearButtonVisible(true);
        searchFilter.setPlaceholder("every word must appear");
        FlexLayout filters = new FlexLayout(searchFilter, statusFilter, tagFilter, nameFilter);
        for (Scores score : Scores.all()) {
            NumberField min = id(new NumberField(score.label + " ≥"), "filter-" + score.testKey() + "-min");
            NumberField max = id(new NumberField(score.label + " ≤"), "filter-" + score.testKey() + "-max");
            for (NumberField f : List.of(min, max)) {
                f.setWidth("9em");
                f.setClearButtonVisible(true);
                f.setValueChangeMode(ValueChangeMode.LAZY);
                f.addValueChangeListener(e -> applyFilter());
            }
            rangeFields.put(score, new NumberField[] {min, max});
            filters.add(min, max);
        }
        Button clear = id(new Button("Clear filters", e -> clearFilters()), "filter-clear");
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        filters.add(clear);
        filters.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.getStyle().set("gap", "var(--lumo-space-s)");
        filters.setWidthFull();

        configureGrid();
        grid.setItems(q -> sources.page(current, q.getOffset(), q.getLimit()).stream(),
                q -> (int) Math.min(Integer.MAX_VALUE, sources.count(current))).setIdentifierProvider(Source::id);

        Button selectShown = id(new Button("Select all shown", e -> {
            List<Source> shown = sources.page(current, 0, SELECT_LIMIT);
            grid.asMultiSelect().select(shown);
            if (shown.size() >= SELECT_LIMIT) {
                Notification.show("Selected the newest " + SELECT_LIMIT + " sources shown; narrow the filters to pick the rest.");
            }
        }), "select-filtered");
        Button clearSelection = id(new Button("Clear selection", e -> grid.asMultiSelect().clear()), "select-none");
        startCampaign.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        startCampaign.setEnabled(false);
        startCampaign.setVisible(canEdit);
        startCampaign.addClickListener(e -> openCampaignDialog());
        grid.asMultiSelect().addValueChangeListener(e -> updateSelection());
        Button reevaluate = id(new Button("Re-evaluate probe filters…", e -> openReevaluation()), "filters-reevaluate");
        reevaluate.setVisible(isAdmin);
        HorizontalLayout actions = new HorizontalLayout(shownCount, selectionCount, selectShown, clearSelection, startCampaign,
                reevaluate);
        actions.setAlignItems(FlexComponent.Alignment.BASELINE);

        duplicates = new NearDuplicatesPanel(sources, canEdit, this::reload);
        Details duplicatesDetails = id(new Details("Near-duplicates", duplicates), "dup-panel");
        duplicatesDetails.addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                duplicates.refresh(null);
            }
        });
        duplicatesDetails.setWidthFull();

        add(filters, actions, grid, duplicatesDetails);
        updateSelection();
    }

    private void configureGrid() {
        grid.setSelectionMode(Grid.SelectionMode.MULTI);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.setWidthFull();
        grid.setHeight("60vh");
        grid.addComponentColumn(s -> {
            Image img = new Image(MediaUrls.blob(s.thumbnailKey()), s.thumbnailKey() == null ? "" : "thumbnail of " + s.originalName());
            img.setWidth("112px");
            img.setHeight("64px");
            img.getStyle().set("object-fit", "cover").set("border-radius", "var(--lumo-border-radius-s)")
                    .set("background", "var(--lumo-contrast-10pct)");
            img.getElement().setAttribute("data-testid", "source-thumb");
            return img;
        }).setHeader("").setWidth("130px").setFlexGrow(0);
        grid.addComponentColumn(s -> {
            Span name = new Span(s.originalName());
            name.getElement().setAttribute("data-testid", "source-card");
            name.getElement().setAttribute("data-source-id", String.valueOf(s.id()));
            name.getElement().setAttribute("data-status", s.status());
            name.getElement().setAttribute("title", s.originRef() == null ? s.origin() : s.origin() + " · " + s.originRef());
            return name;
        }).setHeader("Source").setAutoWidth(true).setFlexGrow(1);
        grid.addComponentColumn(s -> {
            Span status = new Span(s.status());
            status.getElement().setAttribute("data-testid", "source-status");
            status.getElement().getThemeList().add("badge " + switch (s.status()) {
                case "READY" -> "success";
                case "FAILED", "QUARANTINED" -> "error";
                case "DUPLICATE", "ARCHIVED" -> "contrast";
                default -> "";
            });
            if (s.error() != null) {
                status.getElement().setAttribute("title", s.error());
            }
            return status;
        }).setHeader("Status").setAutoWidth(true);
        grid.addComponentColumn(this::quarantineCell).setHeader("Probe filters").setWidth("20em").setFlexGrow(0);
        grid.addColumn(s -> s.durationSeconds() == null ? "–" : String.format(Locale.ROOT, "%.1f s", s.durationSeconds()))
                .setHeader("Duration").setAutoWidth(true);
        grid.addColumn(s -> s.width() == null ? "–" : s.width() + "×" + s.height()
                        + (s.fps() == null ? "" : String.format(Locale.ROOT, " @%.0f", s.fps())))
                .setHeader("Resolution").setAutoWidth(true);
        grid.addColumn(Source::clips).setHeader("Clips").setAutoWidth(true);
        for (Scores score : Scores.all()) {
            grid.addColumn(s -> Scores.format(s.scores().get(score.key))).setHeader(score.label)
                    .setAutoWidth(true);
        }
        grid.addComponentColumn(this::captionCell).setHeader("Caption").setWidth("24em").setFlexGrow(1);
        grid.addColumn(s -> String.join(", ", s.tags())).setHeader("Tags").setAutoWidth(true);
        grid.addColumn(s -> s.id()).setHeader("Id").setAutoWidth(true);
    }

    /** The caption, shortened, with its state as a badge; clicking it opens the caption (to edit, for curators). */
    private HorizontalLayout captionCell(Source s) {
        String caption = Objects.requireNonNullElse(s.caption(), "");
        Span text = new Span(caption.length() > 90 ? caption.substring(0, 90) + "…" : caption);
        text.getElement().setAttribute("data-testid", "source-caption");
        text.getElement().setAttribute("title", caption + (s.captionError() == null ? "" : "\n\n" + s.captionError()));
        text.getStyle().set("white-space", "normal").set("font-size", "var(--lumo-font-size-s)");
        Span state = new Span(s.captionStatus() == null ? "–" : s.captionStatus().toLowerCase(Locale.ROOT));
        state.getElement().setAttribute("data-testid", "source-caption-status");
        state.getElement().setAttribute("title", CaptionDialog.describe(s));
        state.getElement().getThemeList().add("badge small " + (s.captionStatus() == null ? "contrast" : switch (s.captionStatus()) {
            case "DONE", "EDITED" -> "success";
            case "REFUSED", "FAILED" -> "error";
            default -> "contrast";
        }));
        Button open = new Button(canEdit ? "Edit" : "View", e -> new CaptionDialog(sources, s, canEdit, this::reload).open());
        open.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
        open.getElement().setAttribute("data-testid", "edit-caption");
        HorizontalLayout cell = new HorizontalLayout(state, text, open);
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        cell.setSpacing(false);
        cell.getStyle().set("gap", "var(--lumo-space-xs)");
        return cell;
    }

    /** Why the probe filters hold a source, and Release / Archive for admins. */
    private VerticalLayout quarantineCell(Source s) {
        VerticalLayout cell = new VerticalLayout();
        cell.setPadding(false);
        cell.setSpacing(false);
        if (!s.quarantineReasons().isEmpty() && s.status().equals("QUARANTINED")) {
            Span reasons = new Span(String.join("; ", s.quarantineReasons()));
            reasons.getElement().setAttribute("data-testid", "source-quarantine");
            reasons.getStyle().set("white-space", "normal").set("font-size", "var(--lumo-font-size-s)");
            cell.add(reasons);
            if (isAdmin) {
                Button release = new Button("Release", e -> decide(s, true));
                release.getElement().setAttribute("data-testid", "source-release");
                Button archive = new Button("Archive", e -> decide(s, false));
                archive.getElement().setAttribute("data-testid", "source-archive");
                for (Button b : List.of(release, archive)) {
                    b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY_INLINE);
                }
                HorizontalLayout buttons = new HorizontalLayout(release, archive);
                buttons.setSpacing(false);
                buttons.getStyle().set("gap", "var(--lumo-space-s)");
                cell.add(buttons);
            }
        } else if (s.releasedBy() != null) {
            Span released = new Span("released by " + s.releasedBy());
            released.getElement().setAttribute("data-testid", "source-released");
            released.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
            cell.add(released);
        }
        return cell;
    }

    private void decide(Source s, boolean release) {
        try {
            Source now = release ? sources.release(s.id()) : sources.archive(s.id());
            Notification.show("Source " + s.id() + " is " + now.status() + ".");
        } catch (RuntimeException e) {
            Notification.show(String.valueOf(e.getMessage())).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        reload();
    }

    /** Previews what the thresholds in force would change, and applies it on the admin's word. */
    private void openReevaluation() {
        SourceService.Reevaluation preview = sources.reevaluate(false);
        Dialog dialog = id(new Dialog(), "filters-reevaluate-dialog");
        dialog.setHeaderTitle("Re-evaluate the probe filters");
        SourceFilters.Thresholds t = preview.thresholds();
        Span thresholds = new Span("In force: motion " + off(t.minMotion()) + " – " + off(t.maxMotion()) + " px/frame, BRISQUE ≤ "
                + off(t.maxBrisque()) + ", text overlay ≤ " + off(t.maxTextOverlay()) + ", near-duplicate distance ≤ "
                + off(t.nearDuplicateDistance() == null ? null : t.nearDuplicateDistance().doubleValue()) + " bits.");
        Span summary = id(new Span("Of " + preview.checked() + " READY and QUARANTINED sources (admins' releases stand), "
                + preview.quarantined().size() + " would be QUARANTINED and " + preview.readied().size()
                + " would become READY."), "filters-reevaluate-summary");
        Button apply = id(new Button("Apply", e -> {
            SourceService.Reevaluation done = sources.reevaluate(true);
            Notification.show(done.quarantined().size() + " quarantined, " + done.readied().size() + " made READY.");
            dialog.close();
            reload();
        }), "filters-reevaluate-apply");
        apply.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        apply.setEnabled(!preview.quarantined().isEmpty() || !preview.readied().isEmpty());
        dialog.add(new VerticalLayout(thresholds, summary));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), apply);
        dialog.open();
    }

    private static String off(@Nullable Double v) {
        return v == null ? "off" : Scores.format(v);
    }

    private void reload() {
        List<String> tags = sources.tags();
        Set<String> chosenTags = tagFilter.getSelectedItems();
        tagFilter.setItems(tags);
        tagFilter.select(chosenTags.stream().filter(tags::contains).toList());
        version = sources.version();
        applyFilter();
    }

    private void applyFilter() {
        Map<Scores, SourceFilter.Range> ranges = new EnumMap<>(Scores.class);
        rangeFields.forEach((score, f) -> {
            var range = new SourceFilter.Range(f[0].getValue(), f[1].getValue());
            if (!range.open()) {
                ranges.put(score, range);
            }
        });
        try {
            current = new SourceFilter(statusFilter.getSelectedItems(), tagFilter.getSelectedItems(),
                    Objects.requireNonNullElse(nameFilter.getValue(), ""), Objects.requireNonNullElse(searchFilter.getValue(), ""),
                    ranges).query();
        } catch (IllegalArgumentException e) {
            Notification.show(String.valueOf(e.getMessage()));
            return;
        }
        grid.getDataProvider().refreshAll();
        shownCount.setText(sources.count(current) + " of " + sources.count(SourceQuery.all()) + " sources shown");
    }

    private void clearFilters() {
        searchFilter.clear();
        statusFilter.clear();
        tagFilter.clear();
        nameFilter.clear();
        rangeFields.values().forEach(f -> {
            f[0].clear();
            f[1].clear();
        });
        applyFilter();
    }

    private void updateSelection() {
        int n = grid.getSelectedItems().size();
        selectionCount.setText(n + " selected");
        startCampaign.setEnabled(canEdit && n > 0);
    }

    private void openCampaignDialog() {
        List<Long> ids = grid.getSelectedItems().stream().map(Source::id).sorted().toList();
        new StartCampaignDialog(campaigns, ids, id -> getUI().ifPresent(ui -> ui.navigate("campaigns/" + id))).open();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        reload();
        refresh = REFRESH.scheduleWithFixedDelay(() -> ui.access(this::refreshIfChanged), 5, 5, TimeUnit.SECONDS);
    }

    private void refreshIfChanged() {
        if (!sources.version().equals(version)) {
            reload();
        }
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
