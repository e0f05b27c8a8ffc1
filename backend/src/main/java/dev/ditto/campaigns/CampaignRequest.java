package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.search.SearchRequest;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Start a campaign: write {@code perSource} instructions for each selected source, aiming at the category mix
 * {@code mix} (shares; empty = the Ditto-1M default of roughly 70% global / 30% local). Sources are chosen by hand
 * ({@code sourceIds}), by a search over sources ({@code sourceSearch}: words that must all appear in a source's
 * name, caption, tags or origin), by a search over samples ({@code sampleSearch}: the sources of its results), or
 * any union of these; searches are resolved once, when the campaign starts, so it runs on exactly those sources.
 * {@code advice}: the lines of {@link CampaignAdvisor.Advice} the admin accepted (its lines and writer guidance),
 * recorded with the campaign; the writer is told the guidance.
 */
public record CampaignRequest(String name, @Nullable List<Long> sourceIds, int perSource,
                              @Nullable Map<Category, Double> mix, long seed,
                              @Nullable String sourceSearch, @Nullable SearchRequest sampleSearch,
                              @Nullable List<String> advice) {
    public CampaignRequest {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A campaign needs a name.");
        }
        sourceIds = sourceIds == null ? List.of() : List.copyOf(sourceIds);
        sourceSearch = sourceSearch == null || sourceSearch.isBlank() ? null : sourceSearch.strip();
        if (sourceIds.isEmpty() && sourceSearch == null && sampleSearch == null) {
            throw new IllegalArgumentException("Select at least one source, or give a search (sourceSearch or sampleSearch).");
        }
        if (perSource < 1 || perSource > 1000) {
            throw new IllegalArgumentException("Instructions per source must be between 1 and 1000, was " + perSource + ".");
        }
        mix = mix == null ? Map.of() : Map.copyOf(mix);
        advice = advice == null || advice.isEmpty() ? null : List.copyOf(advice);
    }

    /** Without advice from curators' decisions. */
    public CampaignRequest(String name, @Nullable List<Long> sourceIds, int perSource, @Nullable Map<Category, Double> mix,
                           long seed, @Nullable String sourceSearch, @Nullable SearchRequest sampleSearch) {
        this(name, sourceIds, perSource, mix, seed, sourceSearch, sampleSearch, null);
    }

    /** Sources chosen by hand (or from the gallery's filters). */
    public CampaignRequest(String name, List<Long> sourceIds, int perSource, Map<Category, Double> mix, long seed) {
        this(name, sourceIds, perSource, mix, seed, null, null);
    }

    @Override
    public List<Long> sourceIds() {
        return sourceIds == null ? List.of() : sourceIds;
    }

    @Override
    public Map<Category, Double> mix() {
        return mix == null ? Map.of() : mix;
    }
}
