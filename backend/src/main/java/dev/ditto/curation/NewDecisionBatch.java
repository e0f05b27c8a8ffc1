package dev.ditto.curation;

import dev.ditto.search.SearchRequest;
import org.jspecify.annotations.Nullable;

/**
 * A request to decide every sample a query matches: the search (as {@code POST /api/search} takes it), how it matches
 * ({@code WORDS} by default), the decision (accept, or reject with a reason code) and the count the curator confirmed.
 */
public record NewDecisionBatch(SearchRequest query, DecisionBatch.@Nullable Match match, ReviewDecision decision,
                               @Nullable ReasonCode reason, @Nullable String note, @Nullable Long expectedCount) {
    public NewDecisionBatch {
        if (query == null) {
            throw new IllegalArgumentException("'query' is missing: give the search whose matches to decide, as POST /api/search takes it.");
        }
        if (decision == null || decision == ReviewDecision.SKIP) {
            throw new IllegalArgumentException("'decision' must be ACCEPT or REJECT (with a 'reason').");
        }
        if (expectedCount == null || expectedCount < 0) {
            throw new IllegalArgumentException("'expectedCount' is missing: give the number of matches you confirmed"
                    + " (POST /api/curation/batches/count tells it).");
        }
        match = match == null ? DecisionBatch.Match.WORDS : match;
        new CuratorDecision(decision, reason, note); // a reject needs a reason; only a reject carries one
    }

    /** The decision as a review records it. */
    CuratorDecision asDecision() {
        return new CuratorDecision(decision, reason, note);
    }
}
