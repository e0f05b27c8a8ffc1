package dev.ditto.ui.releasesview;

import static dev.ditto.ui.releasesview.Formats.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.ditto.releases.Release;
import dev.ditto.releases.ReleaseComparison;
import dev.ditto.releases.ReleaseException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The release compared with any earlier release the curator picks: the totals, the differing samples a page at a
 * time, and the whole comparison as CSV (what {@code GET /api/releases/{id}/diff} and {@code diff.csv} answer).
 */
final class ReleaseCompare extends Div {
    static final int PAGE = 50;

    private final ReleaseComparison comparison;
    private final ComboBox<Release> against = id(new ComboBox<>("Compare with"), "release-compare-against");
    private final Span totals = id(new Span(), "release-compare-totals");
    private final Grid<ReleaseComparison.Row> rows = id(new Grid<>(), "release-compare-rows");
    private final Button previous = id(new Button("Previous"), "release-compare-previous");
    private final Button next = id(new Button("Next"), "release-compare-next");
    private final Span position = id(new Span(), "release-compare-position");
    private final Anchor csv = id(new Anchor(), "release-compare-csv");
    private long releaseId;
    private int offset;

    ReleaseCompare(ReleaseComparison comparison) {
        this.comparison = comparison;
        against.setItemLabelGenerator(r -> r.name() + " " + r.version());
        against.setWidth("22em");
        against.setPlaceholder("an earlier release");
        against.addValueChangeListener(e -> {
            offset = 0;
            show();
        });
        rows.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        rows.addColumn(r -> r.kind().name().toLowerCase(Locale.ROOT)).setHeader("Change").setAutoWidth(true);
        rows.addColumn(ReleaseComparison.Row::sampleId).setHeader("Sample").setAutoWidth(true);
        rows.addColumn(r -> String.join(", ", r.fields())).setHeader("Fields").setFlexGrow(1);
        rows.setAllRowsVisible(true);
        previous.addClickListener(e -> {
            offset = Math.max(0, offset - PAGE);
            show();
        });
        next.addClickListener(e -> {
            offset += PAGE;
            show();
        });
        csv.setText("Download CSV");
        HorizontalLayout pick = new HorizontalLayout(against, totals, csv);
        pick.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout paging = new HorizontalLayout(previous, position, next);
        paging.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(pick, rows, paging);
        setWidthFull();
    }

    /** Offers the releases created before {@code release} (any name), the nearest first. */
    void show(Release release, List<Release> all) {
        // the page renders the release again when it changes (built, published): keep the curator's pick and page
        Long kept = releaseId == release.id() && against.getValue() != null ? against.getValue().id() : null;
        int keptOffset = offset;
        releaseId = release.id();
        List<Release> earlier = all.stream().filter(r -> r.id() != release.id() && r.createdAt().isBefore(release.createdAt()))
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt())).toList();
        against.setItems(earlier);
        setVisible(!earlier.isEmpty());
        Long wanted = kept != null ? kept : release.previousId();
        against.setValue(earlier.isEmpty() ? null : earlier.stream()
                .filter(r -> wanted != null && r.id() == wanted).findFirst().orElse(earlier.getFirst()));
        if (kept != null && keptOffset != offset) {
            offset = keptOffset;
            show();
        }
    }

    private void show() {
        Release other = against.getValue();
        boolean chosen = other != null;
        rows.setVisible(chosen);
        csv.setVisible(chosen);
        previous.setVisible(chosen);
        next.setVisible(chosen);
        if (!chosen) {
            totals.setText("");
            position.setText("");
            return;
        }
        ReleaseComparison.Page page;
        try {
            page = comparison.page(releaseId, other.id(), offset, PAGE);
        } catch (ReleaseException e) {
            totals.setText(String.valueOf(e.getMessage()));
            rows.setItems(List.of());
            return;
        }
        long all = page.added() + page.removed() + page.changed();
        totals.setText("Since " + page.against() + ": " + page.added() + " added, " + page.removed() + " removed, "
                + page.changed() + " changed.");
        totals.getElement().setAttribute("data-added", String.valueOf(page.added()));
        totals.getElement().setAttribute("data-removed", String.valueOf(page.removed()));
        totals.getElement().setAttribute("data-changed", String.valueOf(page.changed()));
        rows.setItems(page.rows());
        position.setText(all == 0 ? "" : (offset + 1) + "–" + (offset + page.rows().size()) + " of " + all);
        previous.setEnabled(offset > 0);
        next.setEnabled(offset + PAGE < all);
        long release = releaseId;
        long versus = other.id();
        String file = ("release-" + release + "-vs-" + versus + ".csv");
        csv.setHref(download(release, versus, file));
        csv.getElement().setAttribute("download", file);
        csv.getElement().setAttribute("data-against", String.valueOf(versus));
    }

    /** The CSV through the dashboard's session (the API's diff.csv takes HTTP Basic, which a browser link has not). */
    private DownloadHandler download(long release, long versus, @Nullable String file) {
        return event -> {
            event.setFileName(file);
            event.setContentType("text/csv; charset=UTF-8");
            Writer out = new OutputStreamWriter(event.getOutputStream(), StandardCharsets.UTF_8);
            comparison.csv(release, versus, out);
        };
    }
}
