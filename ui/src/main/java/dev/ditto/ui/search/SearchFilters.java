package dev.ditto.ui.search;

import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.html.Div;
import dev.ditto.releases.Release;
import dev.ditto.search.Facet;
import dev.ditto.search.SearchPage;
import dev.ditto.search.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every filter of the search view: status, category, engine and tag facets (values and counts from the results),
 * releases by name and version, and score ranges. Values within one filter combine with OR, filters with AND.
 */
final class SearchFilters extends Div {
    private final CheckboxGroup<String> statuses = facetGroup("Status", "status");
    private final CheckboxGroup<String> categories = facetGroup("Category", "category");
    private final CheckboxGroup<String> engines = facetGroup("Engine", "engine");
    private final CheckboxGroup<String> tags = facetGroup("Tag", "tag");
    private final MultiSelectComboBox<Release> releases = new MultiSelectComboBox<>("Release");
    private final ScoreRangeFilter scores;

    SearchFilters(List<Release> knownReleases, Runnable onChange) {
        scores = new ScoreRangeFilter(onChange);
        for (CheckboxGroup<String> group : List.of(statuses, categories, engines, tags)) {
            group.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    onChange.run();
                }
            });
        }
        releases.setItems(knownReleases);
        releases.setItemLabelGenerator(r -> r.name() + " " + r.version());
        releases.setPlaceholder("Any release");
        releases.setWidth("16em");
        releases.getElement().setAttribute("data-testid", "search-filter-release");
        releases.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                onChange.run();
            }
        });
        Div facets = new Div(statuses, categories, engines, tags, releases);
        facets.getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "var(--lumo-space-s)");
        add(facets, scores);
    }

    /** {@code request} narrowed by every filter set. */
    SearchRequest applyTo(SearchRequest request) {
        return request.withStatuses(chosen(statuses))
                .withCategories(chosen(categories))
                .withEngines(chosen(engines))
                .withTags(chosen(tags))
                .withReleaseIds(releases.getValue().stream().map(Release::id).toList())
                .withScoreRanges(scores.ranges());
    }

    /**
     * The values ticked in a facet. A click that lands while a pushed refresh replaces the facet's items can arrive as
     * a value the group no longer knows (null); it is left out instead of failing the search.
     */
    private static List<String> chosen(CheckboxGroup<String> group) {
        return group.getValue().stream().filter(java.util.Objects::nonNull).toList();
    }

    /** Shows the values and counts of a first page's facets; chosen values stay, with their counts. */
    void update(SearchPage page) {
        facet(page, "status", statuses);
        facet(page, "category", categories);
        facet(page, "engines", engines);
        facet(page, "tags", tags);
        Facet inReleases = page.facet("releases").orElse(new Facet("releases", List.of()));
        releases.setItemLabelGenerator(r -> r.name() + " " + r.version() + " (" + inReleases.count(r.name() + "@" + r.version()) + ")");
        scores.summaries(page.scoreSummaries());
    }

    private static void facet(SearchPage page, String field, CheckboxGroup<String> group) {
        Set<String> selected = group.getValue();
        List<String> values = new ArrayList<>(selected);
        Facet facet = page.facet(field).orElse(new Facet(field, List.of()));
        facet.buckets().forEach(b -> {
            if (!values.contains(b.value())) {
                values.add(b.value());
            }
        });
        // the same values keep their checkboxes, so a click that lands during a refresh is not lost with them
        if (!group.getListDataView().getItems().toList().equals(values)) {
            group.setItems(values);
        }
        group.setItemLabelGenerator(v -> v + " (" + facet.count(v) + ")");
        if (!group.getValue().equals(selected)) {
            group.setValue(selected);
        }
    }

    private static CheckboxGroup<String> facetGroup(String label, String testId) {
        CheckboxGroup<String> group = new CheckboxGroup<>(label);
        group.getElement().setAttribute("data-testid", "search-facet-" + testId);
        return group;
    }
}
