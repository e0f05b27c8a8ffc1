package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StatsAggregate;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.TotalHitsRelation;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hybrid search over samples (see {@link HybridQuery}), "more like this sample", and deep paging: every page after
 * the first continues with search_after on the sort values (which end in the sample id), inside a point in time
 * opened when the first page has more to follow; if the point in time expired or its index was replaced by a
 * reindex, paging goes on against the alias.
 */
@Service
public class SampleSearch {
    private static final Logger log = LoggerFactory.getLogger(SampleSearch.class);
    private final SampleIndex index;
    private final ElasticsearchClient client;
    private final TextEmbedder embedder;
    private final SearchActivity activity;
    private final SearchProperties.Query tuning;
    private final ObjectMapper json;
    /**
     * Shards the last search spanned: the facets' best matches are split evenly across them. A version built with
     * another shard count (after {@code ./ditto reindex}) corrects it with its first response.
     */
    private volatile int searchedShards;

    SampleSearch(SampleIndex index, TextEmbedder embedder, SearchProperties properties, ObjectMapper json) {
        this(index, embedder, properties, json, new SearchActivity());
    }

    @Autowired
    SampleSearch(SampleIndex index, TextEmbedder embedder, SearchProperties properties, ObjectMapper json, SearchActivity activity) {
        this.activity = activity;
        this.index = index;
        this.client = index.client();
        this.embedder = embedder;
        this.tuning = properties.query();
        this.json = json;
        this.searchedShards = index.shards();
    }

    /** One page of results for {@code request}. */
    public SearchPage search(SearchRequest request) {
        if (request.size() > tuning.maxPageSize()) {
            request = request.withSize(tuning.maxPageSize());
        }
        try (SearchActivity.Running running = activity.begin()) {
            return searchNow(request);
        }
    }

    private SearchPage searchNow(SearchRequest request) {
        try {
            index.ensureAlias();
            float[] vector = queryVector(request);
            Long exclude = request.similarTo();
            Cursor cursor = request.cursor() == null ? null : Cursor.decode(request.cursor(), json);
            boolean firstPage = cursor == null;
            SearchResponse<JsonData> response;
            String pit = cursor == null ? null : cursor.pit();
            // the point in time the next pages read is opened alongside the first page's search, not after it
            java.util.concurrent.CompletableFuture<String> nextPit = firstPage ? openPitMeanwhile() : null;
            try {
                try {
                    response = run(pit, request, vector, exclude, cursor, firstPage);
                } catch (ElasticsearchException e) {
                    if (pit == null || e.status() != 404 && !String.valueOf(e.getMessage()).contains("search_context")) {
                        throw e;
                    }
                    pit = null;
                    response = run(null, request, vector, exclude, cursor, false);
                }
            } catch (ElasticsearchException e) {
                closeWhenOpen(nextPit);
                if (cursor != null && e.status() == 400) { // a cursor that decodes but Elasticsearch can't page by
                    throw new IllegalArgumentException(Cursor.NOT_OURS, e);
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                closeWhenOpen(nextPit);
                throw e;
            }
            return page(request, response, pit, nextPit);
        } catch (IOException | ElasticsearchException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * The distinct sources of every sample {@code request} finds (all pages, not only the first), in the order
     * their first sample ranks: "the sources of these results".
     *
     * @throws IllegalArgumentException the search finds more than {@code maxSamples} samples: narrow it first
     */
    public List<Long> sourceIds(SearchRequest request, int maxSamples) {
        java.util.LinkedHashSet<Long> ids = new java.util.LinkedHashSet<>();
        SearchRequest page = request.withFacets(false).withSize(tuning.maxPageSize()).after(null);
        int seen = 0;
        while (true) {
            SearchPage results = search(page);
            for (dev.ditto.search.Hit hit : results.hits()) {
                if (++seen > maxSamples) {
                    throw new IllegalArgumentException("The search finds more than " + maxSamples
                            + " samples; narrow it (filters, more words) before starting a campaign from it.");
                }
                ids.add(hit.sourceId());
            }
            if (results.nextCursor() == null) {
                return List.copyOf(ids);
            }
            page = page.after(results.nextCursor());
        }
    }

    /**
     * Every sample id {@code request} matches (all pages), ascending: the snapshot a batch decision acts on. It matches
     * as a page of {@code request} does (words only, or words and the page's nearest neighbours by meaning), in pages
     * of 10,000 ids inside a point in time, so the set is the one of one moment.
     *
     * @throws TooManyMatchesException the search matches more than {@code max} samples
     */
    public long[] matchingIds(SearchRequest request, int max) {
        try {
            index.ensureAlias();
            float[] vector = queryVector(request);
            Long exclude = request.similarTo();
            String pit = openPit();
            try {
                long[] ids = new long[1024];
                int n = 0;
                List<FieldValue> after = null;
                while (true) {
                    var body = HybridQuery.matching(null, pit, tuning.pitKeepAlive(), request, vector, exclude, tuning,
                            after, MATCHING_PAGE, false);
                    SearchResponse<Void> response = client.search(body, Void.class);
                    if (response.pitId() != null) {
                        pit = response.pitId();
                    }
                    var hits = response.hits().hits();
                    for (Hit<Void> hit : hits) {
                        if (n == max) {
                            throw new TooManyMatchesException(max);
                        }
                        if (n == ids.length) {
                            ids = java.util.Arrays.copyOf(ids, ids.length * 2);
                        }
                        ids[n++] = hit.sort().getFirst().longValue();
                    }
                    if (hits.size() < MATCHING_PAGE) {
                        return java.util.Arrays.copyOf(ids, n);
                    }
                    after = hits.getLast().sort();
                }
            } finally {
                closePit(pit);
            }
        } catch (IOException | ElasticsearchException e) {
            throw unavailableOr(e);
        }
    }

    /** How many samples {@code request} matches, counted exactly (what {@link #matchingIds} would return). */
    public long countMatches(SearchRequest request) {
        try {
            index.ensureAlias();
            float[] vector = queryVector(request);
            Long exclude = request.similarTo();
            var body = HybridQuery.matching(index.alias(), null, tuning.pitKeepAlive(), request, vector, exclude, tuning,
                    null, 0, true);
            var total = client.search(body, Void.class).hits().total();
            return total == null ? 0 : total.value();
        } catch (IOException | ElasticsearchException e) {
            throw unavailableOr(e);
        }
    }

    /** The kNN half's vector: the similar-to sample's, or the text's unless words only decide; null for none. */
    private float @Nullable [] queryVector(SearchRequest request) throws IOException {
        if (request.similarTo() != null) {
            return vectorOf(request.similarTo());
        }
        return request.text() != null && !request.wordsOnly() ? embedder.embed(request.text()) : null;
    }

    /** A search that failed: "unavailable" when Elasticsearch could not answer, else the error as it is. */
    private static RuntimeException unavailableOr(Exception e) {
        if (e instanceof IOException io) {
            return SearchUnavailableException.of(io);
        }
        ElasticsearchException es = (ElasticsearchException) e;
        return SearchUnavailableException.isUnavailable(es) ? SearchUnavailableException.of(es) : es;
    }

    /** Ids per request of {@link #matchingIds}. */
    private static final int MATCHING_PAGE = 10_000;

    /** Samples whose vectors lie nearest to {@code sampleId}'s, itself excluded; filters of {@code request} apply. */
    public SearchPage moreLikeThis(long sampleId, SearchRequest request) {
        return search(new SearchRequest(null, request.categories(), request.statuses(), request.engines(), request.tags(),
                request.releaseIds(), request.campaignIds(), request.scoreRanges(), sampleId, request.sort(),
                request.size(), request.cursor(), request.facets(), false));
    }

    /** Warms the index version {@code target} with first-page searches ({@link IndexWarmer}); how many ran. */
    public int warm(String target, Duration budget, int maxSearches) throws IOException {
        int searches = IndexWarmer.warm(client, tuning, json, target, budget, maxSearches);
        log.info("Warmed {} with {} searches", target, searches);
        return searches;
    }

    private SearchResponse<JsonData> run(@Nullable String pit, SearchRequest request, float @Nullable [] vector,
                                         @Nullable Long exclude, @Nullable Cursor cursor, boolean facets) throws IOException {
        var body = HybridQuery.build(HybridQuery.Spec.of(request, tuning).onIndex(pit == null ? index.alias() : null)
                .inPointInTime(pit).near(vector).excluding(exclude).after(cursor == null ? null : cursor.after())
                .withFacets(facets && request.facets()).shards(searchedShards));
        SearchResponse<JsonData> response = client.search(body, JsonData.class);
        searchedShards = Math.max(1, response.shards().total().intValue());
        return response;
    }

    /** Opens a point in time on another thread; its future fails when Elasticsearch refused or could not answer. */
    private java.util.concurrent.CompletableFuture<String> openPitMeanwhile() {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return openPit();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, PIT_OPENER);
    }

    /** Closes a point in time opened for a page that turned out to need none (or failed); best effort. */
    private void closeWhenOpen(java.util.concurrent.@Nullable CompletableFuture<String> pit) {
        if (pit != null) {
            pit.thenAcceptAsync(this::closePit, PIT_OPENER);
        }
    }

    private void closePit(String pit) {
        try {
            client.closePointInTime(c -> c.id(pit));
        } catch (IOException | ElasticsearchException e) {
            log.debug("Closing a point in time failed; it expires on its own", e);
        }
    }

    private static final java.util.concurrent.Executor PIT_OPENER =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("search-pit-", 0).factory());

    private SearchPage page(SearchRequest request, SearchResponse<JsonData> response, @Nullable String pit,
                            java.util.concurrent.@Nullable CompletableFuture<String> nextPit) throws IOException {
        List<dev.ditto.search.Hit> hits = new ArrayList<>();
        for (Hit<JsonData> hit : response.hits().hits()) {
            hits.add(toHit(hit, request.similarTo() != null || request.text() != null && !request.wordsOnly()));
        }
        String next = null;
        List<Hit<JsonData>> raw = response.hits().hits();
        if (raw.size() == request.size()) {
            String pitId = response.pitId() != null ? response.pitId() : pit;
            if (pitId == null && nextPit != null) {
                pitId = awaitPit(nextPit);
            }
            next = new Cursor(pitId, raw.getLast().sort()).encode(json);
        } else {
            closeWhenOpen(nextPit);
        }
        var total = response.hits().total();
        List<Facet> facets = new ArrayList<>();
        List<ScoreSummary> summaries = new ArrayList<>();
        Map<String, Aggregate> aggs = response.aggregations();
        Aggregate bestMatches = aggs.get(HybridQuery.BEST_MATCHES);
        boolean facetsSampled = bestMatches != null && bestMatches.isSampler();
        if (facetsSampled) {
            aggs = bestMatches.sampler().aggregations();
        }
        for (String field : HybridQuery.TERM_FACETS) {
            Aggregate agg = aggs.get(field);
            if (agg != null) {
                List<Facet.Bucket> buckets = new ArrayList<>();
                if (agg.isSterms()) {
                    agg.sterms().buckets().array().forEach(b -> buckets.add(new Facet.Bucket(b.key().stringValue(), b.docCount())));
                } else if (agg.isLterms()) {
                    agg.lterms().buckets().array().forEach(b -> buckets.add(new Facet.Bucket(Long.toString(b.key()), b.docCount())));
                }
                facets.add(new Facet(field, buckets));
            }
        }
        Aggregate histogram = aggs.get(HybridQuery.HISTOGRAM);
        if (histogram != null && histogram.isHistogram()) {
            List<Facet.Bucket> buckets = new ArrayList<>();
            histogram.histogram().buckets().array().forEach(b ->
                    buckets.add(new Facet.Bucket(String.format(java.util.Locale.ROOT, "%.1f", b.key()), b.docCount())));
            facets.add(new Facet(HybridQuery.HISTOGRAM, buckets));
        }
        for (ScoreField field : ScoreField.values()) {
            Aggregate agg = aggs.get(field.name());
            if (agg != null && agg.isStats()) {
                StatsAggregate s = agg.stats();
                summaries.add(new ScoreSummary(field, s.count(), s.min(), s.max(), s.avg()));
            }
        }
        return new SearchPage(hits, total == null ? hits.size() : total.value(),
                total == null || total.relation() == TotalHitsRelation.Eq, next, facets, facetsSampled, summaries, response.took());
    }

    /** The point in time opened alongside the first page, or none: the next pages then read the alias. */
    private @Nullable String awaitPit(java.util.concurrent.CompletableFuture<String> pit) throws IOException {
        try {
            return pit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeWhenOpen(pit);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof ElasticsearchException es) {
                throw es;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private String openPit() throws IOException {
        return client.openPointInTime(p -> p.index(index.alias())
                .keepAlive(t -> t.time(tuning.pitKeepAlive().toSeconds() + "s"))).id();
    }

    private float[] vectorOf(long sampleId) throws IOException {
        var response = client.search(s -> s.index(index.alias()).size(1).source(src -> src.fetch(false))
                .query(q -> q.ids(i -> i.values(Long.toString(sampleId)))).fields(f -> f.field("vector")), Void.class);
        if (response.hits().hits().isEmpty()) {
            throw new SampleNotIndexedException(sampleId);
        }
        JsonData field = response.hits().hits().getFirst().fields().get("vector");
        if (field == null) {
            throw new SampleNotIndexedException(sampleId);
        }
        return IndexWarmer.vector(field, json);
    }

    /** Why a hit is in the results: its words matched, or only the kNN half brought it (by meaning), or neither half ran. */
    private static dev.ditto.search.Hit.MatchedBy matchedBy(Hit<JsonData> hit, boolean vectorSearch) {
        if (hit.matchedQueries().containsKey(HybridQuery.WORDS)) {
            return dev.ditto.search.Hit.MatchedBy.WORDS;
        }
        return vectorSearch ? dev.ditto.search.Hit.MatchedBy.MEANING : dev.ditto.search.Hit.MatchedBy.FILTERS;
    }

    private dev.ditto.search.Hit toHit(Hit<JsonData> hit, boolean vectorSearch) {
        JsonNode doc = hit.source() == null ? json.createObjectNode() : json.readTree(hit.source().toJson().toString());
        Map<String, List<String>> highlights = new LinkedHashMap<>(hit.highlight());
        return new dev.ditto.search.Hit(
                Long.parseLong(hit.id()),
                hit.score() == null ? 0 : hit.score(),
                doc.path("instruction").asString(""),
                doc.path("caption").isString() ? doc.path("caption").asString() : null,
                doc.path("category").asString(""),
                doc.path("status").asString(""),
                strings(doc.path("tags")),
                doc.path("judge_score").isNumber() ? doc.path("judge_score").asDouble() : null,
                doc.path("source_id").asLong(),
                doc.path("keyframe_blob_key").isString() ? doc.path("keyframe_blob_key").asString() : null,
                strings(doc.path("engines")),
                doc.path("created_at").isString() ? Instant.parse(doc.path("created_at").asString()) : null,
                highlights, matchedBy(hit, vectorSearch));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    /** Where the next page starts: the point in time (if any) and the last hit's sort values. */
    private record Cursor(@Nullable String pit, List<FieldValue> after) {
        String encode(ObjectMapper json) {
            ObjectNode node = json.createObjectNode();
            if (pit != null) {
                node.put("pit", pit);
            }
            ArrayNode values = node.putArray("after");
            for (FieldValue v : after) {
                switch (v._kind()) {
                    case Long -> values.add(v.longValue());
                    case Double -> values.add(v.doubleValue());
                    case Boolean -> values.add(v.booleanValue());
                    case Null -> values.addNull();
                    default -> values.add(String.valueOf(v._get()));
                }
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(node));
        }

        static final String NOT_OURS = "the paging cursor is not one this server issued; start the search again";

        static Cursor decode(String text, ObjectMapper json) {
            JsonNode node;
            try {
                node = json.readTree(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(NOT_OURS, e);
            }
            List<FieldValue> after = new ArrayList<>();
            for (JsonNode v : node.path("after")) {
                if (v.isIntegralNumber()) {
                    after.add(FieldValue.of(v.asLong()));
                } else if (v.isNumber()) {
                    after.add(FieldValue.of(v.asDouble()));
                } else if (v.isBoolean()) {
                    after.add(FieldValue.of(v.asBoolean()));
                } else if (v.isNull()) {
                    after.add(FieldValue.NULL);
                } else {
                    after.add(FieldValue.of(v.asString()));
                }
            }
            return new Cursor(node.path("pit").isString() ? node.path("pit").asString() : null, after);
        }
    }
}
