package dev.ditto.search;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.HighlightField;
import co.elastic.clients.elasticsearch.core.search.HighlighterEncoder;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.NamedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the one Elasticsearch request of a hybrid search: BM25 ({@code simple_query_string} over
 * instruction^2, caption, tags) plus kNN on {@code vector}, each weighted, both under the same filters; sorting that
 * ends in {@code sample_id} for search_after; highlights; facets on the first page (of the best matches when ranked). Public so the benchmark measures
 * exactly what the service sends.
 */
public final class HybridQuery {
    static final List<String> TEXT_FIELDS = List.of("instruction^2", "caption", "tags.text");
    static final List<String> TERM_FACETS = List.of("category", "status", "engines", "tags", "releases", "campaign");
    static final String HISTOGRAM = "judge_score_histogram";
    /** The sampler aggregation that holds the facets of a ranked search. */
    static final String BEST_MATCHES = "best_matches";

    private HybridQuery() {}

    /**
     * What one hybrid search asks for: the request and the tuning, where it searches ({@link #onIndex} or
     * {@link #inPointInTime}), and optionally a vector ({@link #near}), a sample left out ({@link #excluding}), the page
     * it continues ({@link #after}), no facets ({@link #withFacets}) and the shards it spans ({@link #shards}).
     *
     * @param index        the alias, or null when searching a point in time
     * @param pitId        the point in time, or null
     * @param queryVector  the unit vector of the text, or of the similar-to sample; null for browse
     * @param excludeId    a sample to leave out (the similar-to sample itself)
     * @param searchAfter  the last hit's sort values of the previous page, or null
     * @param withFacets   whether the page carries facets (the first page does)
     * @param shardCount   shards the search spans: the facets' best matches are split evenly across them
     */
    public record Spec(SearchRequest request, SearchProperties.Query tuning, @Nullable String index, @Nullable String pitId,
                       float @Nullable [] queryVector, @Nullable Long excludeId, @Nullable List<FieldValue> searchAfter,
                       boolean withFacets, int shardCount) {

        /** A search of {@code request} with facets, on one shard, until told where. */
        public static Spec of(SearchRequest request, SearchProperties.Query tuning) {
            return new Spec(request, tuning, null, null, null, null, null, true, 1);
        }

        public Spec onIndex(@Nullable String alias) {
            return new Spec(request, tuning, alias, pitId, queryVector, excludeId, searchAfter, withFacets, shardCount);
        }

        public Spec inPointInTime(@Nullable String pit) {
            return new Spec(request, tuning, index, pit, queryVector, excludeId, searchAfter, withFacets, shardCount);
        }

        public Spec near(float @Nullable [] vector) {
            return new Spec(request, tuning, index, pitId, vector, excludeId, searchAfter, withFacets, shardCount);
        }

        public Spec excluding(@Nullable Long sampleId) {
            return new Spec(request, tuning, index, pitId, queryVector, sampleId, searchAfter, withFacets, shardCount);
        }

        public Spec after(@Nullable List<FieldValue> sortValues) {
            return new Spec(request, tuning, index, pitId, queryVector, excludeId, sortValues, withFacets, shardCount);
        }

        public Spec withFacets(boolean facets) {
            return new Spec(request, tuning, index, pitId, queryVector, excludeId, searchAfter, facets, shardCount);
        }

        public Spec shards(int shards) {
            return new Spec(request, tuning, index, pitId, queryVector, excludeId, searchAfter, withFacets, shards);
        }
    }

    /** The {@code _source} fields a search hit is made of. */
    static final List<String> HIT_FIELDS = List.of("instruction", "caption", "category", "status", "tags", "judge_score",
            "source_id", "keyframe_blob_key", "engines", "created_at");

    /** The request body of {@code spec}. */
    public static co.elastic.clients.elasticsearch.core.SearchRequest build(Spec spec) {
        SearchRequest request = spec.request();
        SearchProperties.Query tuning = spec.tuning();
        float @Nullable [] queryVector = spec.queryVector();
        @Nullable List<FieldValue> searchAfter = spec.searchAfter();
        var b = target(spec.index(), spec.pitId(), tuning.pitKeepAlive());
        b.size(request.size());
        // only what a hit shows (SampleSearch.toHit): the metrics, verdict and provenance stay in the index
        b.source(s -> s.filter(f -> f.includes(HIT_FIELDS)));
        // Exact counts stop at totalHitsUpTo (the page says "1000+"): counting every match of a text query in a
        // million samples costs more than the rest of the request, and it would stop the top-hits collector skipping.
        b.trackTotalHits(t -> t.count(Math.max(1, tuning.totalHitsUpTo())));
        String text = request.text();
        matches(b, request, queryVector, spec.excludeId(), tuning, Math.max(tuning.k(), request.size()), true);
        b.sort(sort(request.effectiveSort()));
        if (searchAfter != null) {
            b.searchAfter(searchAfter);
        }
        if (text != null) {
            // the html encoder escapes the indexed text itself, so <em> is the only markup a fragment can carry
            b.highlight(h -> h.encoder(HighlighterEncoder.Html).preTags("<em>").postTags("</em>")
                    .fields(NamedValue.of("instruction", HighlightField.of(f -> f.numberOfFragments(0))),
                            NamedValue.of("caption", HighlightField.of(f -> f.numberOfFragments(1).fragmentSize(160)))));
        }
        if (spec.withFacets()) {
            Map<String, Aggregation> facets = facets();
            if ((text != null || queryVector != null) && tuning.facetSample() > 0) {
                // Exact facets read 22 doc values of every match: at 100,000 samples that already cost as much as the
                // rest of the query, and it grows with the index. The best matches are what the curator looks at.
                // The sampler keeps its share on each shard; documents are spread over the shards by id, so the best
                // 500 of each of two shards are the best 1000 of the index, give or take a few near the cut.
                int perShard = Math.ceilDiv(tuning.facetSample(), Math.max(1, spec.shardCount()));
                b.aggregations(BEST_MATCHES, a -> a.sampler(s -> s.shardSize(perShard)).aggregations(facets));
            } else {
                b.aggregations(facets);
            }
        }
        return b.build();
    }

    /** A request builder aimed at the point in time when there is one, else at {@code index}. */
    private static co.elastic.clients.elasticsearch.core.SearchRequest.Builder target(@Nullable String index,
            @Nullable String pitId, Duration pitKeepAlive) {
        var b = new co.elastic.clients.elasticsearch.core.SearchRequest.Builder();
        if (pitId != null) {
            b.pit(p -> p.id(pitId).keepAlive(t -> t.time(pitKeepAlive.toSeconds() + "s")));
        } else if (index != null) {
            b.index(index);
        }
        return b;
    }

    /** The name of the text half's query: a hit the words matched lists it in {@code matched_queries}. */
    static final String WORDS = "words";

    /**
     * What matches: the filters, the words (BM25) and the kNN half, exactly as a page of {@code request} asks; {@code k}
     * is the kNN half's size (the page's, so a snapshot of "the results as shown" gets the same nearest neighbours).
     */
    private static void matches(co.elastic.clients.elasticsearch.core.SearchRequest.Builder b, SearchRequest request,
                                float @Nullable [] queryVector, @Nullable Long excludeId, SearchProperties.Query tuning, int k,
                                boolean scored) {
        List<Query> filters = filters(request);
        List<Query> exclusions = excludeId == null ? List.of()
                : List.of(Query.of(q -> q.ids(i -> i.values(Long.toString(excludeId)))));
        String text = request.text();
        b.query(q -> q.bool(bool -> {
            bool.filter(filters).mustNot(exclusions);
            if (text != null) {
                Query words = Query.of(m -> m.simpleQueryString(sq -> sq.query(text).fields(TEXT_FIELDS)
                        .defaultOperator(Operator.Or).boost(tuning.textWeight()).queryName(WORDS)));
                // unscored (a filter) when only the set of matches counts: the same documents, no BM25 to compute
                if (scored) {
                    bool.must(words);
                } else {
                    bool.filter(words);
                }
            } else if (queryVector != null) {
                // kNN alone decides what matches: the text part matches nothing.
                bool.must(m -> m.matchNone(n -> n));
            }
            return bool;
        }));
        if (queryVector != null) {
            List<Float> vector = new ArrayList<>(queryVector.length);
            for (float v : queryVector) {
                vector.add(v);
            }
            b.knn(knn -> {
                knn.field("vector").queryVector(vector).k(k).numCandidates(Math.max(k, tuning.numCandidates()))
                        .boost(tuning.vectorWeight()).filter(filters);
                if (!exclusions.isEmpty()) {
                    knn.filter(f -> f.bool(x -> x.mustNot(exclusions)));
                }
                if (text != null) {
                    knn.similarity(tuning.minSimilarity());
                }
                if (tuning.visitPercentage() > 0) {
                    knn.visitPercentage(tuning.visitPercentage());
                }
                return knn;
            });
        }
    }

    /**
     * A page of the ids {@code request} matches (each hit's one sort value), in {@code sample_id} order, without
     * stored fields, scores' order,
     * highlights or facets: the snapshot of a batch decision. The kNN half (when {@code queryVector} is given) keeps
     * the size a page of {@code request} gives it, so the set is the one the curator was shown.
     */
    public static co.elastic.clients.elasticsearch.core.SearchRequest matching(
            @Nullable String index, @Nullable String pitId, Duration pitKeepAlive, SearchRequest request,
            float @Nullable [] queryVector, @Nullable Long excludeId, SearchProperties.Query tuning,
            @Nullable List<FieldValue> searchAfter, int pageSize, boolean countAll) {
        var b = target(index, pitId, pitKeepAlive);
        b.size(pageSize);
        // the sort value is the id: no stored field (not even _id) is read for a hit
        b.source(s -> s.fetch(false)).storedFields("_none_");
        b.trackTotalHits(t -> t.enabled(countAll));
        matches(b, request, queryVector, excludeId, tuning, Math.max(tuning.k(), request.size()), false);
        b.sort(List.of(byId(SortOrder.Asc)));
        if (searchAfter != null) {
            b.searchAfter(searchAfter);
        }
        return b.build();
    }

    private static Map<String, Aggregation> facets() {
        Map<String, Aggregation> facets = new LinkedHashMap<>();
        for (String field : TERM_FACETS) {
            facets.put(field, Aggregation.of(a -> a.terms(t -> t.field(field).size(30))));
        }
        facets.put(HISTOGRAM, Aggregation.of(a -> a.histogram(h -> h.field("judge_score").interval(0.1).minDocCount(0)
                .extendedBounds(e -> e.min(0.0).max(0.9)))));
        for (ScoreField field : ScoreField.values()) {
            facets.put(field.name(), Aggregation.of(a -> a.stats(s -> s.field(field.path()))));
        }
        return facets;
    }

    /** The filters of a request, as both the BM25 and the kNN part apply them. */
    public static List<Query> filters(SearchRequest r) {
        List<Query> filters = new ArrayList<>();
        terms(filters, "category", r.categories().stream().map(FieldValue::of).toList());
        terms(filters, "status", r.statuses().stream().map(FieldValue::of).toList());
        terms(filters, "engines", r.engines().stream().map(FieldValue::of).toList());
        terms(filters, "tags", r.tags().stream().map(FieldValue::of).toList());
        terms(filters, "release_ids", r.releaseIds().stream().map(FieldValue::of).toList());
        terms(filters, "campaign_id", r.campaignIds().stream().map(FieldValue::of).toList());
        for (ScoreRange range : r.scoreRanges()) {
            filters.add(Query.of(q -> q.range(rq -> rq.untyped(u -> {
                u.field(range.field().path());
                if (range.min() != null) {
                    u.gte(JsonData.of(range.min()));
                }
                if (range.max() != null) {
                    u.lte(JsonData.of(range.max()));
                }
                return u;
            }))));
        }
        return filters;
    }

    private static void terms(List<Query> filters, String field, List<FieldValue> values) {
        if (!values.isEmpty()) {
            filters.add(Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values)))));
        }
    }

    static List<SortOptions> sort(dev.ditto.search.SortOrder order) {
        return switch (order) {
            case RELEVANCE -> List.of(SortOptions.of(s -> s.score(sc -> sc.order(SortOrder.Desc))), byId(SortOrder.Asc));
            case NEWEST -> List.of(byField("created_at", SortOrder.Desc), byId(SortOrder.Desc));
            case OLDEST -> List.of(byField("created_at", SortOrder.Asc), byId(SortOrder.Asc));
            case JUDGE_SCORE_HIGH -> List.of(byField("judge_score", SortOrder.Desc), byId(SortOrder.Asc));
            case JUDGE_SCORE_LOW -> List.of(byField("judge_score", SortOrder.Asc), byId(SortOrder.Asc));
        };
    }

    private static SortOptions byField(String field, SortOrder order) {
        return SortOptions.of(s -> s.field(f -> f.field(field).order(order).missing("_last")));
    }

    private static SortOptions byId(SortOrder order) {
        return SortOptions.of(s -> s.field(f -> f.field("sample_id").order(order)));
    }
}
