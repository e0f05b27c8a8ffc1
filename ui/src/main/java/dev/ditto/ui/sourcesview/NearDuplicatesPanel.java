package dev.ditto.ui.sourcesview;

import static dev.ditto.ui.sourcesview.TestIds.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import dev.ditto.sources.Source;
import dev.ditto.sources.SourceService;
import dev.ditto.ui.shared.MediaUrls;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups of sources whose clips' 64-bit perceptual hashes lie within a Hamming distance of each other, found by the
 * server's band index (never by comparing every pair); per group
 * a person picks the one to keep and the others become DUPLICATE of it (or ARCHIVED), audited.
 */
class NearDuplicatesPanel extends VerticalLayout {
    /** The largest distance offered: the band index answers it with at most 137 look-ups per band. */
    static final int MAX = 11;
    private final SourceService sources;
    private final Runnable onChanged;
    private final IntegerField threshold = id(new IntegerField("Max. Hamming distance (of 64 bits)"), "dup-threshold");
    private final VerticalLayout groups = id(new VerticalLayout(), "dup-groups");
    private final boolean canEdit;

    NearDuplicatesPanel(SourceService sources, boolean canEdit, Runnable onChanged) {
        this.sources = sources;
        this.canEdit = canEdit;
        this.onChanged = onChanged;
        setPadding(false);
        threshold.setMin(0);
        threshold.setMax(MAX);
        threshold.setValue(3);
        threshold.setHelperText("Found by the perceptual-hash band index; 0–" + MAX + " bits");
        threshold.setStepButtonsVisible(true);
        threshold.addValueChangeListener(e -> refresh(null));
        groups.setPadding(false);
        add(threshold, groups);
    }

    /** Recomputes the groups; {@code byId} gives the sources' details (null: look each one up). */
    void refresh(@org.jspecify.annotations.Nullable Map<Long, Source> byId) {
        groups.removeAll();
        int max = threshold.getValue() == null ? 3 : Math.max(0, Math.min(MAX, threshold.getValue()));
        List<SourceService.NearDuplicateGroup> found = sources.nearDuplicateGroups(max);
        if (found.isEmpty()) {
            groups.add(id(new Span("No near-duplicates at distance ≤ " + max + "."), "dup-none"));
            return;
        }
        Function<Long, Source> lookup = id -> byId != null && byId.containsKey(id) ? byId.get(id) : sources.find(id).orElse(null);
        for (SourceService.NearDuplicateGroup group : found) {
            groups.add(group(group, lookup));
        }
    }

    private Div group(SourceService.NearDuplicateGroup group, Function<Long, Source> lookup) {
        Checkbox archive = id(new Checkbox("Archive the others instead of marking them duplicates"), "dup-archive");
        FlexLayout members = new FlexLayout();
        members.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        members.getStyle().set("gap", "var(--lumo-space-m)");
        for (long sourceId : group.sourceIds()) {
            Source s = lookup.apply(sourceId);
            Image thumb = new Image(s == null ? "" : MediaUrls.blob(s.thumbnailKey()), "thumbnail");
            thumb.setWidth("160px");
            thumb.getStyle().set("border-radius", "var(--lumo-border-radius-m)").set("background", "var(--lumo-contrast-10pct)")
                    .set("aspect-ratio", "16 / 10").set("object-fit", "cover");
            Span name = new Span("#" + sourceId + " " + (s == null ? "" : s.originalName()));
            name.getStyle().set("font-size", "var(--lumo-font-size-s)");
            Button keep = id(new Button("Keep this"), "dup-keep-" + sourceId);
            keep.addThemeVariants(ButtonVariant.LUMO_SMALL);
            keep.setEnabled(canEdit);
            keep.addClickListener(e -> {
                List<Long> others = group.sourceIds().stream().filter(id -> id != sourceId).toList();
                sources.keepOneOf(sourceId, others, archive.getValue());
                Notification.show("Kept source " + sourceId + "; " + others.size() + " marked "
                        + (archive.getValue() ? "ARCHIVED" : "DUPLICATE") + ".");
                onChanged.run();
                refresh(null);
            });
            VerticalLayout card = new VerticalLayout(thumb, name, keep);
            card.setPadding(false);
            card.setSpacing(false);
            card.setWidth("170px");
            members.add(card);
        }
        Span header = new Span(group.sourceIds().size() + " sources, closest clips " + group.closestDistance() + " bits apart");
        header.getStyle().set("font-weight", "600");
        Div box = id(new Div(new HorizontalLayout(header), members, archive), "dup-group");
        box.getElement().setAttribute("data-sources", group.sourceIds().toString());
        box.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("padding", "var(--lumo-space-s)").set("width", "100%");
        return box;
    }
}
