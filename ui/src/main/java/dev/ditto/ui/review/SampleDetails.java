package dev.ditto.ui.review;

import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.ditto.curation.ReviewItem;
import dev.ditto.ui.shared.MediaUrls;
import java.util.Locale;

/** The text around the players: key frames, the judge's scores with reasons, the runner's metrics, provenance. */
class SampleDetails extends Div {
    private final Div keyFrames = new Div();
    private final Div scores = new Div();
    private final Div metrics = new Div();
    private final Pre provenance = new Pre();
    private final Span judge = new Span();
    private final Div pastReviews = new Div();

    SampleDetails() {
        keyFrames.getElement().setAttribute("data-testid", "keyframes");
        keyFrames.getStyle().set("display", "flex").set("gap", "var(--lumo-space-xs)").set("overflow-x", "auto");
        scores.getElement().setAttribute("data-testid", "scores");
        metrics.getElement().setAttribute("data-testid", "metrics");
        metrics.getStyle().set("display", "grid").set("grid-template-columns", "max-content 1fr").set("column-gap", "var(--lumo-space-m)")
                .set("font-size", "var(--lumo-font-size-s)");
        judge.getElement().setAttribute("data-testid", "judge-score");
        pastReviews.getElement().setAttribute("data-testid", "past-reviews");
        provenance.getElement().setAttribute("data-testid", "provenance");
        provenance.getStyle().set("font-size", "var(--lumo-font-size-xs)").set("max-height", "16em").set("overflow", "auto");
        Details provenanceDetails = new Details("Provenance", provenance);
        Details metricsDetails = new Details("Metrics", metrics);
        metricsDetails.setOpened(true);
        add(heading("Key frames"), keyFrames, heading("Judge"), judge, scores, metricsDetails, provenanceDetails, pastReviews);
    }

    void show(ReviewItem item) {
        keyFrames.removeAll();
        for (String key : item.sourceKeyFrameKeys()) {
            keyFrames.add(frame(key, "Source key frame"));
        }
        if (item.editedKeyFrameKey() != null) {
            Image edited = frame(item.editedKeyFrameKey(), "Edited key frame");
            edited.getStyle().set("outline", "2px solid var(--lumo-primary-color)");
            keyFrames.add(edited);
        }
        if (keyFrames.getChildren().findAny().isEmpty()) {
            keyFrames.add(new Span("No key frames."));
        }

        String overall = item.judgeScore() == null ? "not scored" : String.format(Locale.ROOT, "%.2f", item.judgeScore());
        judge.setText("Overall " + overall
                + (item.judgeDecision() == null ? "" : " · " + item.judgeDecision())
                + (item.judgeEngine() == null ? "" : " · " + item.judgeEngine())
                + (item.judgeReason() == null || item.judgeReason().isBlank() ? "" : " · " + item.judgeReason()));
        scores.removeAll();
        for (ReviewItem.CriterionScore score : item.scores()) {
            Span name = new Span(score.criterion());
            name.getStyle().set("font-weight", "600");
            Span value = new Span(String.format(Locale.ROOT, "%.2f", score.value()));
            ProgressBar bar = new ProgressBar(0, 1, score.value());
            Span reason = new Span(score.reason());
            reason.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
            Div row = new Div(new Div(name, new Span(" "), value), bar, reason);
            row.getElement().setAttribute("data-testid", "score-" + score.criterion().replace(' ', '-'));
            row.getStyle().set("margin-bottom", "var(--lumo-space-s)");
            scores.add(row);
        }

        metrics.removeAll();
        item.metrics().forEach((name, value) -> metrics.add(new Span(name), new Span(value)));
        if (item.metrics().isEmpty()) {
            metrics.add(new Span("none"));
        }
        provenance.setText(item.provenanceJson());

        pastReviews.removeAll();
        if (!item.reviews().isEmpty()) {
            pastReviews.add(heading("Decisions"));
            for (ReviewItem.PastReview r : item.reviews()) {
                String text = r.reviewer() + ": " + r.decision() + (r.reason() == null ? "" : " · " + r.reason().label())
                        + (r.note() == null ? "" : " · “" + r.note() + "”") + (r.undoneAt() == null ? "" : " (undone)");
                Div line = new Div(new Span(text));
                line.getStyle().set("font-size", "var(--lumo-font-size-s)");
                pastReviews.add(line);
            }
        }
    }

    private static Image frame(String key, String alt) {
        Image image = new Image(MediaUrls.blob(key), alt);
        image.setHeight("72px");
        image.getStyle().set("border-radius", "var(--lumo-border-radius-s)");
        return image;
    }

    private static H3 heading(String text) {
        H3 h = new H3(text);
        h.getStyle().set("font-size", "var(--lumo-font-size-m)").set("margin", "var(--lumo-space-s) 0 var(--lumo-space-xs)");
        return h;
    }
}
