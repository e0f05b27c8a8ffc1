package dev.ditto.releases;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which accepted samples a release holds: every filter that is set must match (categories, a minimum judge score,
 * campaigns, explicit sample ids); an empty selection takes every accepted sample.
 */
public record ReleaseSelection(@Nullable List<String> categories, @Nullable Double minJudgeScore,
                               @Nullable List<Long> campaignIds, @Nullable List<Long> sampleIds) {

    /** Every accepted sample. */
    public static ReleaseSelection all() {
        return new ReleaseSelection(null, null, null, null);
    }

    public ReleaseSelection {
        categories = categories == null || categories.isEmpty() ? null : List.copyOf(categories);
        campaignIds = campaignIds == null || campaignIds.isEmpty() ? null : List.copyOf(campaignIds);
        sampleIds = sampleIds == null || sampleIds.isEmpty() ? null : List.copyOf(sampleIds);
    }
}
