package dev.ditto.ui.campaignsview;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A campaign's diversity report as short labelled figures: size, mean pairwise distance, distinct-n, category counts. */
final class Diversity {
    private Diversity() {}

    static Component[] figures(Map<String, Object> report) {
        List<Component> out = new ArrayList<>();
        if (report.isEmpty()) {
            out.add(figure("diversity-empty", "Figures appear once the first source's instructions are written."));
            return out.toArray(Component[]::new);
        }
        out.add(figure("diversity-size", "Instructions: " + report.getOrDefault("size", 0)));
        out.add(figure("diversity-distance", "Mean pairwise cosine distance: " + number(report.get("meanPairwiseCosineDistance"))));
        out.add(figure("diversity-distinct1", "Distinct-1: " + number(report.get("distinct1"))));
        out.add(figure("diversity-distinct2", "Distinct-2: " + number(report.get("distinct2"))));
        if (report.get("categoryHistogram") instanceof Map<?, ?> histogram) {
            StringBuilder text = new StringBuilder("By category: ");
            new TreeMap<>(histogram.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> String.valueOf(e.getKey()).toLowerCase(Locale.ROOT), e -> String.valueOf(e.getValue()))))
                    .forEach((k, v) -> text.append(k).append(' ').append(v).append(" · "));
            out.add(figure("diversity-categories", text.substring(0, Math.max(0, text.length() - 3))));
        }
        return out.toArray(Component[]::new);
    }

    private static Span figure(String testId, String text) {
        Span s = new Span(text);
        s.getElement().setAttribute("data-testid", testId);
        s.getStyle().set("display", "inline-block").set("margin-right", "var(--lumo-space-l)");
        return s;
    }

    private static String number(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "–";
    }
}
