package dev.ditto.search;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of results; {@code nextCursor} is null on the last page. {@code total} counts matches up to 10,000
 * exactly ({@code totalExact} false beyond). Facets and score summaries are empty on follow-up pages; with
 * {@code facetsSampled} they count the best matches of a ranked search ({@code ditto.search.query.facet-sample}),
 * not every match.
 */
public record SearchPage(List<Hit> hits, long total, boolean totalExact, @Nullable String nextCursor,
                         List<Facet> facets, boolean facetsSampled, List<ScoreSummary> scoreSummaries, long tookMs) {
    public SearchPage {
        hits = List.copyOf(hits);
        facets = List.copyOf(facets);
        scoreSummaries = List.copyOf(scoreSummaries);
    }

    /** The facet named {@code field} ({@code category}, {@code status}, {@code engines}, …), if computed. */
    public java.util.Optional<Facet> facet(String field) {
        return facets.stream().filter(f -> f.field().equals(field)).findFirst();
    }
}
