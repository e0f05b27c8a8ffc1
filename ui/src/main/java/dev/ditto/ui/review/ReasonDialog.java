package dev.ditto.ui.review;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.radiobutton.RadioGroupVariant;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import dev.ditto.curation.ReasonCode;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** Asks why a sample is rejected: keys 1–7 pick a reason code, Enter confirms, an optional note goes along. */
class ReasonDialog extends Dialog {
    private final RadioButtonGroup<ReasonCode> reasons = new RadioButtonGroup<>();
    private final TextArea note = new TextArea("Note (optional)");
    private final BiConsumer<ReasonCode, @Nullable String> onConfirm;

    ReasonDialog(BiConsumer<ReasonCode, @Nullable String> onConfirm) {
        this.onConfirm = onConfirm;
        setHeaderTitle("Reject — why?");
        getElement().setAttribute("data-testid", "reason-dialog");
        reasons.setItems(ReasonCode.values());
        reasons.addThemeVariants(RadioGroupVariant.LUMO_VERTICAL);
        reasons.setRenderer(new ComponentRenderer<>(code -> {
            Span label = new Span(code.key() + " · " + code.label());
            label.getElement().setAttribute("data-testid", "reason-" + code.key());
            return label;
        }));
        reasons.getElement().setAttribute("data-testid", "reason-options");
        note.setWidthFull();
        note.setMaxLength(2000);
        note.getElement().setAttribute("data-testid", "reject-note");
        VerticalLayout content = new VerticalLayout(reasons, note);
        content.setPadding(false);
        content.getElement().setAttribute("data-testid", "reason-dialog-content");
        add(content);
        Button cancel = new Button("Cancel (Esc)", e -> close());
        Button confirm = new Button("Reject (Enter)", e -> confirm());
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        confirm.getElement().setAttribute("data-testid", "reject-confirm");
        getFooter().add(cancel, confirm);
        setWidth("28em");
    }

    /** Opens the dialog with nothing picked. */
    void ask() {
        reasons.clear();
        reasons.setInvalid(false);
        note.clear();
        open();
    }

    /** Picks the reason with key {@code key} (1–7). */
    void pick(int key) {
        for (ReasonCode code : ReasonCode.values()) {
            if (code.key() == key) {
                reasons.setValue(code);
                reasons.setInvalid(false);
            }
        }
    }

    /** Rejects with the picked reason, or says that one is needed. */
    void confirm() {
        ReasonCode code = reasons.getValue();
        if (code == null) {
            reasons.setErrorMessage("Pick a reason: press 1–7.");
            reasons.setInvalid(true);
            return;
        }
        String text = note.getValue();
        close();
        onConfirm.accept(code, text.isBlank() ? null : text);
    }
}
