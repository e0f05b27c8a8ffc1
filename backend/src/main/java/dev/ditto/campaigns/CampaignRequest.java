package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import java.util.List;
import java.util.Map;

/**
 * Start a campaign: write {@code perSource} instructions for each of {@code sourceIds}, aiming at the category
 * mix {@code mix} (shares; empty = the Ditto-1M default of roughly 70% global / 30% local).
 */
public record CampaignRequest(String name, List<Long> sourceIds, int perSource, Map<Category, Double> mix, long seed) {
    public CampaignRequest {
        if (name.isBlank()) {
            throw new IllegalArgumentException("A campaign needs a name.");
        }
        if (sourceIds.isEmpty()) {
            throw new IllegalArgumentException("Select at least one source.");
        }
        if (perSource < 1 || perSource > 1000) {
            throw new IllegalArgumentException("Instructions per source must be between 1 and 1000, was " + perSource + ".");
        }
        sourceIds = List.copyOf(sourceIds);
        mix = Map.copyOf(mix);
    }
}
