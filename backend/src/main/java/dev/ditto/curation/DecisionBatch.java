package dev.ditto.curation;

import dev.ditto.search.SearchRequest;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One "decide all N matches" batch as its status answers: the query, what it decides, how far it got, and what it
 * left alone (samples decided by someone else, or no longer in review) grouped by the reason.
 *
 * @param matched   samples in the snapshot taken when the batch was created
 * @param processed snapshot samples handled so far (decided or skipped)
 * @param decided   samples the batch wrote a decision for
 * @param skipped   samples it left alone; {@code skippedReasons} says why (the ten most frequent reasons)
 * @param undone    decisions of the batch undone by its undo
 */
public record DecisionBatch(long id, String createdBy, String label, SearchRequest query, Match match,
                            ReviewDecision decision, @Nullable ReasonCode reason, @Nullable String note, int matched,
                            State state, int processed, int decided, int skipped, int undone,
                            List<ReasonCount> skippedReasons, @Nullable String error, Instant createdAt,
                            @Nullable Instant finishedAt, @Nullable Instant undoneAt) {
    public DecisionBatch {
        skippedReasons = List.copyOf(skippedReasons);
    }

    /** How a batch's query decides what it acts on. */
    public enum Match {
        /** Only the words (BM25) and the filters: every sample contains at least one of the words. */
        WORDS,
        /** Exactly the results the search shows: the words and the nearest neighbours by meaning. */
        AS_SHOWN
    }

    public enum State { RUNNING, DONE, UNDOING, UNDONE, FAILED }

    /** A reason samples were left alone, and how many. */
    public record ReasonCount(String reason, long samples) {}

    /** Share of the work done, 0..1: deciding while it runs, undoing while it undoes. */
    public double progress() {
        return switch (state) {
            case RUNNING -> matched == 0 ? 1 : processed / (double) matched;
            case UNDOING -> decided == 0 ? 1 : Math.min(1, undone / (double) decided);
            case DONE, UNDONE, FAILED -> 1;
        };
    }

    /** Whether the server is still working on it. */
    public boolean active() {
        return state == State.RUNNING || state == State.UNDOING;
    }
}
