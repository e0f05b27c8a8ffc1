package dev.ditto.ui.search;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.ditto.curation.BulkResult;
import dev.ditto.curation.CuratorDecision;
import dev.ditto.curation.CuratorTags;
import dev.ditto.curation.ReasonCode;
import dev.ditto.curation.ReviewDecision;
import dev.ditto.curation.ReviewService;
import dev.ditto.curation.TagResult;
import dev.ditto.search.Hit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Curators' actions on the selected results: accept, reject with a reason, add or remove a tag. */
final class BulkBar extends HorizontalLayout {
    /** What the bar changed: the view shows it on those rows at once, before the index has it. */
    interface Changed {
        void rows(Set<Long> sampleIds, UnaryOperator<Hit> change);
    }

    private final ReviewService reviews;
    private final CuratorTags tags;
    private final String username;
    private final Supplier<Set<Hit>> selection;
    private final Changed changed;
    private final ComboBox<ReasonCode> reason = new ComboBox<>();
    private final TextField tag = new TextField();

    BulkBar(ReviewService reviews, CuratorTags tags, String username, Supplier<Set<Hit>> selection, Changed changed) {
        this.reviews = reviews;
        this.tags = tags;
        this.username = username;
        this.selection = selection;
        this.changed = changed;
        reason.setItems(ReasonCode.values());
        reason.setItemLabelGenerator(ReasonCode::label);
        reason.setPlaceholder("Reason to reject");
        reason.getElement().setAttribute("data-testid", "bulk-reason");
        Button accept = button("Accept selected", "bulk-accept", () -> decide(CuratorDecision.accept()));
        Button reject = button("Reject selected", "bulk-reject", () -> {
            if (reason.getValue() == null) {
                Notification.show("Pick a reason first.");
            } else {
                decide(CuratorDecision.reject(reason.getValue(), null));
            }
        });
        tag.setPlaceholder("tag");
        tag.setWidth("10em");
        tag.setMaxLength(40);
        tag.setClearButtonVisible(true);
        tag.getElement().setAttribute("data-testid", "bulk-tag");
        tag.addKeyPressListener(Key.ENTER, e -> tag(true));
        Button addTag = button("Add tag", "bulk-tag-add", () -> tag(true));
        Button removeTag = button("Remove tag", "bulk-tag-remove", () -> tag(false));
        setAlignItems(FlexComponent.Alignment.BASELINE);
        getStyle().set("flex-wrap", "wrap");
        add(accept, reason, reject, tag, addTag, removeTag);
    }

    private void decide(CuratorDecision decision) {
        List<Long> ids = selectedIds();
        if (ids.isEmpty()) {
            return;
        }
        BulkResult result = reviews.decideAll(username, ids, decision);
        Notification.show(result.decided().size() + " decided" + (result.refused().isEmpty() ? ""
                : ", " + result.refused().size() + " left alone (not in review)"));
        String status = decision.decision() == ReviewDecision.ACCEPT ? "ACCEPTED" : "REJECTED";
        changed.rows(Set.copyOf(result.decided()), h -> h.withStatus(status));
    }

    private void tag(boolean add) {
        List<Long> ids = selectedIds();
        if (ids.isEmpty()) {
            return;
        }
        String value;
        TagResult result;
        try {
            value = CuratorTags.normalise(tag.getValue());
            result = tags.tagAll(username, ids, add ? List.of(value) : List.of(), add ? List.of() : List.of(value));
        } catch (IllegalArgumentException e) {
            Notification.show(e.getMessage());
            return;
        }
        Notification.show(result.changed().size() + (add ? " tagged " : " untagged ") + "'" + value + "'"
                + (result.unchanged().isEmpty() ? "" : ", " + result.unchanged().size() + (add ? " had it already" : " did not have it")));
        // the row shows every tag of the sample's document (its source's too): change only the one tag
        changed.rows(result.changed().keySet(), h -> {
            Set<String> now = new LinkedHashSet<>(h.tags());
            if (add) {
                now.add(value);
            } else {
                now.remove(value);
            }
            return h.withTags(List.copyOf(now));
        });
    }

    private List<Long> selectedIds() {
        List<Long> ids = selection.get().stream().map(Hit::sampleId).toList();
        if (ids.isEmpty()) {
            Notification.show("Select samples first.");
        }
        return ids;
    }

    private static Button button(String label, String testId, Runnable action) {
        Button button = new Button(label, e -> action.run());
        button.getElement().setAttribute("data-testid", testId);
        return button;
    }
}
