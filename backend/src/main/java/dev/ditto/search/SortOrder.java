package dev.ditto.search;

/** How a result list is ordered; every order ends with the sample id, so paging by search_after is exact. */
public enum SortOrder {
    /** Hybrid score; the default when there is text or a similar-to sample. */
    RELEVANCE,
    /** Newest first; the default without text. */
    NEWEST,
    OLDEST,
    JUDGE_SCORE_HIGH,
    JUDGE_SCORE_LOW
}
