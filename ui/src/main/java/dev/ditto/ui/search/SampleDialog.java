package dev.ditto.ui.search;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import dev.ditto.curation.ReviewItem;
import dev.ditto.ui.shared.MediaUrls;
import dev.ditto.ui.shared.Video;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One sample from the results, without claiming it: the source clip and the edited video side by side, the
 * instruction, status and judge score. (The review view works through the queue and opens no sample by id.)
 */
final class SampleDialog extends Dialog {
    SampleDialog(ReviewItem item) {
        setHeaderTitle("#" + item.sampleId() + " · " + item.category().toLowerCase(Locale.ROOT).replace('_', ' '));
        getElement().setAttribute("data-testid", "sample-dialog");
        setWidth("min(90vw, 70em)");
        Paragraph instruction = new Paragraph(item.instruction());
        instruction.getStyle().set("font-size", "var(--lumo-font-size-l)").set("font-weight", "600");
        Span facts = new Span(item.status() + (item.judgeScore() == null ? ""
                : String.format(Locale.ROOT, " · judge %.2f", item.judgeScore())) + " · source " + item.sourceName());
        facts.getStyle().set("color", "var(--lumo-secondary-text-color)");
        Div videos = new Div(player("Source", item.sourceClipKey(), "sample-dialog-source"),
                player("Edited", item.editedKey(), "sample-dialog-edited"));
        videos.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)").set("flex-wrap", "wrap");
        add(instruction, facts, videos);
        com.vaadin.flow.router.RouterLink page = new com.vaadin.flow.router.RouterLink("Open the sample's page",
                dev.ditto.ui.sampleview.SampleView.class,
                new com.vaadin.flow.router.RouteParameters("id", String.valueOf(item.sampleId())));
        page.getElement().setAttribute("data-testid", "sample-dialog-page");
        page.getElement().addEventListener("click", e -> close());
        getFooter().add(page, new Button("Close", e -> close()));
    }

    private static Div player(String label, @Nullable String key, String testId) {
        Video video = new Video();
        video.setSrc(MediaUrls.blob(key));
        video.setControls(true);
        video.setTestId(testId);
        video.getElement().setAttribute("loop", true);
        video.getStyle().set("width", "100%").set("background", "black");
        Div column = new Div(new Span(label), video);
        column.getStyle().set("flex", "1 1 24em").set("min-width", "0");
        return column;
    }
}
