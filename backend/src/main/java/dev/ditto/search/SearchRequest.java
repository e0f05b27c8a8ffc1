package dev.ditto.search;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One search: free text (BM25 + semantic), or samples similar to {@code similarTo}, or neither (browse); filters
 * combine with AND, values within one filter with OR. {@code cursor} comes from the previous page's
 * {@link SearchPage#nextCursor()}; facets are computed on the first page only. With {@code wordsOnly} only the words
 * decide what matches (BM25; the kNN half is left out), so every result contains at least one of them.
 */
public record SearchRequest(
        @Nullable String text,
        @Nullable List<String> categories,
        @Nullable List<String> statuses,
        @Nullable List<String> engines,
        @Nullable List<String> tags,
        @Nullable List<Long> releaseIds,
        @Nullable List<Long> campaignIds,
        @Nullable List<ScoreRange> scoreRanges,
        @Nullable Long similarTo,
        @Nullable SortOrder sort,
        @Nullable Integer size,
        @Nullable String cursor,
        @Nullable Boolean facets,
        @Nullable Boolean wordsOnly) {

    public static final int DEFAULT_SIZE = 20;

    public SearchRequest {
        text = text == null || text.isBlank() ? null : text.strip();
        categories = copy(categories);
        statuses = copy(statuses);
        engines = copy(engines);
        tags = copy(tags);
        releaseIds = copy(releaseIds);
        campaignIds = copy(campaignIds);
        scoreRanges = copy(scoreRanges);
        size = size == null || size <= 0 ? DEFAULT_SIZE : size;
        cursor = cursor == null || cursor.isBlank() ? null : cursor;
        facets = facets == null || facets;
        wordsOnly = wordsOnly != null && wordsOnly;
        if (wordsOnly && similarTo != null) {
            throw new IllegalArgumentException("A 'similar to' search matches by meaning only; it cannot be words only.");
        }
    }

    /** The earlier form of the request, before {@code wordsOnly}: hybrid when there is text. */
    public SearchRequest(@Nullable String text, @Nullable List<String> categories, @Nullable List<String> statuses,
                         @Nullable List<String> engines, @Nullable List<String> tags, @Nullable List<Long> releaseIds,
                         @Nullable List<Long> campaignIds, @Nullable List<ScoreRange> scoreRanges, @Nullable Long similarTo,
                         @Nullable SortOrder sort, @Nullable Integer size, @Nullable String cursor, @Nullable Boolean facets) {
        this(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor,
                facets, false);
    }

    /** The same search, matching by words only (true) or by words and meaning (false). */
    public SearchRequest withWordsOnly(boolean value) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, value);
    }

    /** A text search with no filters. */
    public static SearchRequest text(@Nullable String text) {
        return new SearchRequest(text, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Samples like {@code sampleId} (nearest vectors, itself excluded). */
    public static SearchRequest similarTo(long sampleId) {
        return new SearchRequest(null, null, null, null, null, null, null, null, sampleId, null, null, null, null);
    }

    public SearchRequest withCategories(List<String> values) {
        return new SearchRequest(text, values, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withStatuses(List<String> values) {
        return new SearchRequest(text, categories, values, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withEngines(List<String> values) {
        return new SearchRequest(text, categories, statuses, values, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withTags(List<String> values) {
        return new SearchRequest(text, categories, statuses, engines, values, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withReleaseIds(List<Long> values) {
        return new SearchRequest(text, categories, statuses, engines, tags, values, campaignIds, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withCampaignIds(List<Long> values) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, values, scoreRanges, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withScoreRanges(List<ScoreRange> values) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, values, similarTo, sort, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withSort(SortOrder value) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, value, size, cursor, facets, wordsOnly);
    }

    public SearchRequest withSize(int value) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, value, cursor, facets, wordsOnly);
    }

    /** The same search, continued after the page that returned {@code nextCursor}. */
    public SearchRequest after(@Nullable String nextCursor) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, nextCursor, facets, wordsOnly);
    }

    public SearchRequest withFacets(boolean value) {
        return new SearchRequest(text, categories, statuses, engines, tags, releaseIds, campaignIds, scoreRanges, similarTo, sort, size, cursor, value, wordsOnly);
    }

    /** The order used: the requested one, else relevance when there is text or a similar-to sample, else newest. */
    public SortOrder effectiveSort() {
        if (sort != null) {
            return sort;
        }
        return text != null || similarTo != null ? SortOrder.RELEVANCE : SortOrder.NEWEST;
    }

    private static <T> List<T> copy(@Nullable List<T> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null).toList();
    }
}
