package dev.ditto.ui.sourcesview;

import static dev.ditto.ui.sourcesview.TestIds.id;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import dev.ditto.sources.Source;
import dev.ditto.sources.SourceService;
import java.util.List;
import java.util.Objects;

/**
 * A source's dense caption: who wrote it and where captioning stands (with the reason when a vision model's caption
 * was refused or failed); curators and admins edit it (audited, reindexed, never overwritten by a captioner) or
 * queue it to be captioned again by the captioner in force.
 */
final class CaptionDialog extends Dialog {
    private final TextArea text = id(new TextArea("Caption"), "caption-text");
    private final Span error = id(new Span(), "caption-error");

    CaptionDialog(SourceService sources, Source source, boolean canEdit, Runnable changed) {
        setHeaderTitle("Caption of " + source.originalName());
        text.setValue(Objects.requireNonNullElse(source.caption(), ""));
        text.setMaxLength(SourceService.MAX_CAPTION_CHARS);
        text.setWidth("40em");
        text.setMinHeight("10em");
        text.setReadOnly(!canEdit);
        Span state = id(new Span(describe(source)), "caption-state");
        state.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        VerticalLayout body = new VerticalLayout(text, state);
        if (source.captionError() != null) {
            Span reason = id(new Span("Why: " + source.captionError()), "caption-reason");
            reason.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-error-text-color)");
            body.add(reason);
        }
        error.getStyle().set("color", "var(--lumo-error-text-color)");
        body.add(error);
        body.setPadding(false);
        add(body);

        Button cancel = id(new Button("Close", e -> close()), "caption-close");
        if (canEdit) {
            Button save = id(new Button("Save caption", e -> {
                try {
                    sources.editCaption(source.id(), text.getValue());
                    changed.run();
                    close();
                } catch (IllegalArgumentException ex) {
                    error.setText(ex.getMessage());
                }
            }), "caption-save");
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Button again = id(new Button("Re-caption", e -> {
                sources.recaption(List.of(source.id()));
                changed.run();
                close();
            }), "caption-again");
            again.setEnabled(source.captionStatus() != null);
            again.getElement().setAttribute("title", "Caption again with the captioner in force; the current caption stays until then");
            getFooter().add(again, cancel, save);
        } else {
            getFooter().add(cancel);
        }
    }

    static String describe(Source s) {
        if (s.captionStatus() == null) {
            return "Not captioned yet: captions are written after PROBE.";
        }
        String by = s.captionEngine() == null ? "" : " · written by " + s.captionEngine();
        return switch (s.captionStatus()) {
            case "PENDING" -> "Waiting for the captioner" + by;
            case "CAPTIONING" -> "Being captioned now" + by;
            case "DONE" -> "Captioned" + by;
            case "REFUSED" -> "The vision model's caption was refused; the built-in caption is kept" + by;
            case "FAILED" -> "The vision model failed; the built-in caption is kept" + by;
            case "EDITED" -> "Edited" + by;
            default -> s.captionStatus() + by;
        };
    }
}
