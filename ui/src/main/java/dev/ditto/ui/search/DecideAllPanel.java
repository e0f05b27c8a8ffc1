package dev.ditto.ui.search;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.shared.Registration;
import dev.ditto.curation.BatchCountChangedException;
import dev.ditto.curation.DecisionBatch;
import dev.ditto.curation.DecisionBatches;
import dev.ditto.curation.NewDecisionBatch;
import dev.ditto.curation.ReasonCode;
import dev.ditto.curation.ReviewDecision;
import dev.ditto.search.SearchRequest;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * "Decide all N matches": a dialog that counts what the query matches (words only by default, or exactly the results
 * as shown), takes the decision and has the curator confirm the count; then the batch's progress, what it left alone
 * and why, and an undo of the whole batch. The server runs the batch; this panel polls its status.
 */
final class DecideAllPanel extends Div {
    private static final NumberFormat COUNT = NumberFormat.getIntegerInstance(Locale.ROOT);

    private final DecisionBatches batches;
    private final String username;
    private final Supplier<@Nullable SearchRequest> query;
    private final Runnable decided;
    private final Span status = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final Span skipped = new Span();
    private final Button undo = new Button("Undo the whole batch");
    private @Nullable Long batchId;
    private @Nullable Registration polling;

    DecideAllPanel(DecisionBatches batches, String username, Supplier<@Nullable SearchRequest> query, Runnable decided) {
        this.batches = batches;
        this.username = username;
        this.query = query;
        this.decided = decided;
        getElement().setAttribute("data-testid", "batch-panel");
        status.getElement().setAttribute("data-testid", "batch-status");
        progress.getElement().setAttribute("data-testid", "batch-progress");
        skipped.getElement().setAttribute("data-testid", "batch-skipped");
        skipped.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        undo.getElement().setAttribute("data-testid", "batch-undo");
        undo.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        undo.addClickListener(e -> undoBatch());
        Div line = new Div(status, undo);
        line.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)").set("align-items", "baseline");
        add(line, progress, skipped);
        getStyle().set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-xs) var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("width", "100%").set("box-sizing", "border-box");
        setVisible(false);
    }

    /** The button that opens the dialog. */
    Button button() {
        Button open = new Button("Decide all matches…", e -> openDialog());
        open.getElement().setAttribute("data-testid", "decide-all");
        return open;
    }

    private void openDialog() {
        SearchRequest request = query.get();
        if (request == null) {
            return;
        }
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Decide all matches");
        dialog.getElement().setAttribute("data-testid", "decide-all-dialog");
        RadioButtonGroup<DecisionBatch.Match> match = new RadioButtonGroup<>();
        match.getElement().setAttribute("data-testid", "decide-all-match");
        Span count = new Span();
        count.getElement().setAttribute("data-testid", "decide-all-count");
        long[] counted = new long[2];
        try {
            boolean words = request.similarTo() == null;
            counted[0] = words ? batches.count(request, DecisionBatch.Match.WORDS) : -1;
            counted[1] = request.text() == null && request.similarTo() == null ? counted[0]
                    : batches.count(request, DecisionBatch.Match.AS_SHOWN);
            match.setItems(words ? java.util.List.of(DecisionBatch.Match.WORDS, DecisionBatch.Match.AS_SHOWN)
                    : java.util.List.of(DecisionBatch.Match.AS_SHOWN));
            match.setItemLabelGenerator(m -> m == DecisionBatch.Match.WORDS
                    ? "Only samples containing the words (" + COUNT.format(counted[0]) + ")"
                    : "Exactly the results as shown, words and meaning (" + COUNT.format(counted[1]) + ")");
            match.setValue(words ? DecisionBatch.Match.WORDS : DecisionBatch.Match.AS_SHOWN);
        } catch (RuntimeException e) {
            Notification.show("Could not count the matches: " + e.getMessage());
            return;
        }
        RadioButtonGroup<ReviewDecision> decision = new RadioButtonGroup<>();
        decision.getElement().setAttribute("data-testid", "decide-all-decision");
        decision.setItems(ReviewDecision.ACCEPT, ReviewDecision.REJECT);
        decision.setItemLabelGenerator(d -> d == ReviewDecision.ACCEPT ? "Accept" : "Reject");
        decision.setValue(ReviewDecision.ACCEPT);
        ComboBox<ReasonCode> reason = new ComboBox<>("Reason to reject");
        reason.getElement().setAttribute("data-testid", "decide-all-reason");
        reason.setItems(ReasonCode.values());
        reason.setItemLabelGenerator(ReasonCode::label);
        reason.setVisible(false);
        Button confirm = new Button();
        confirm.getElement().setAttribute("data-testid", "decide-all-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Runnable label = () -> {
            long n = match.getValue() == DecisionBatch.Match.WORDS ? counted[0] : counted[1];
            String verb = decision.getValue() == ReviewDecision.REJECT ? "Reject" : "Accept";
            confirm.setText(verb + " all " + COUNT.format(n) + " matches");
            confirm.getElement().setAttribute("data-count", Long.toString(n));
            count.setText(COUNT.format(n) + " samples match \"" + (request.text() == null ? "" : request.text()) + "\"."
                    + " Samples someone else decided, or that left review, are left alone and listed.");
        };
        match.addValueChangeListener(e -> label.run());
        decision.addValueChangeListener(e -> {
            reason.setVisible(e.getValue() == ReviewDecision.REJECT);
            label.run();
        });
        label.run();
        confirm.addClickListener(e -> {
            long n = match.getValue() == DecisionBatch.Match.WORDS ? counted[0] : counted[1];
            if (decision.getValue() == ReviewDecision.REJECT && reason.getValue() == null) {
                Notification.show("Pick a reason to reject.");
                return;
            }
            try {
                DecisionBatch batch = batches.create(username, new NewDecisionBatch(request, match.getValue(), decision.getValue(),
                        decision.getValue() == ReviewDecision.REJECT ? reason.getValue() : null, null, n));
                dialog.close();
                follow(batch);
            } catch (BatchCountChangedException changed) {
                Notification.show(changed.getMessage());
                dialog.close();
            } catch (RuntimeException failed) {
                Notification.show(String.valueOf(failed.getMessage()));
            }
        });
        Button cancel = new Button("Cancel", e -> dialog.close());
        dialog.add(new Paragraph(count), match, decision, reason);
        dialog.getFooter().add(cancel, confirm);
        dialog.open();
    }

    /** Shows {@code batch} and polls it until the server is done with it. */
    private void follow(DecisionBatch batch) {
        batchId = batch.id();
        setVisible(true);
        show(batch);
        UI ui = UI.getCurrent();
        if (polling == null && ui != null) {
            ui.setPollInterval(500);
            polling = ui.addPollListener(e -> refresh());
        }
    }

    private void refresh() {
        if (batchId == null) {
            return;
        }
        batches.find(batchId).ifPresent(b -> {
            show(b);
            if (!b.active()) {
                stopPolling();
                decided.run();
            }
        });
    }

    private void stopPolling() {
        if (polling != null) {
            polling.remove();
            polling = null;
            getUI().ifPresent(ui -> ui.setPollInterval(-1));
        }
    }

    private void show(DecisionBatch b) {
        String verb = b.decision() == ReviewDecision.ACCEPT ? "accepted" : "rejected";
        String text = switch (b.state()) {
            case RUNNING -> "Batch #" + b.id() + " (" + b.label() + "): " + COUNT.format(b.processed()) + " of "
                    + COUNT.format(b.matched()) + " handled";
            case DONE -> "Batch #" + b.id() + " (" + b.label() + "): " + COUNT.format(b.decided()) + " " + verb
                    + (b.skipped() == 0 ? "" : ", " + COUNT.format(b.skipped()) + " left alone");
            case UNDOING -> "Undoing batch #" + b.id() + ": " + COUNT.format(b.undone()) + " of " + COUNT.format(b.decided()) + " undone";
            case UNDONE -> "Batch #" + b.id() + " undone: " + COUNT.format(b.undone()) + " decisions taken back";
            case FAILED -> "Batch #" + b.id() + " failed: " + b.error();
        };
        status.setText(text);
        status.getElement().setAttribute("data-state", b.state().name());
        status.getElement().setAttribute("data-batch-id", Long.toString(b.id()));
        progress.setValue(b.progress());
        progress.getElement().setAttribute("data-progress", Math.round(b.progress() * 100) + "%");
        skipped.setText(b.skippedReasons().isEmpty() ? "" : "Left alone: " + b.skippedReasons().stream()
                .map(r -> r.reason() + " (" + COUNT.format(r.samples()) + ")").collect(Collectors.joining("; ")));
        undo.setVisible(b.state() == DecisionBatch.State.RUNNING || b.state() == DecisionBatch.State.DONE
                || b.state() == DecisionBatch.State.FAILED);
    }

    private void undoBatch() {
        if (batchId == null) {
            return;
        }
        try {
            follow(batches.undo(username, batchId));
        } catch (RuntimeException e) {
            Notification.show(String.valueOf(e.getMessage()));
        }
    }
}
