package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.SamplerAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StatsAggregate;
import co.elastic.clients.json.JsonpMapper;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The facets and score summaries of a first page, counted by requests of their own that run beside the hits' request.
 * <p>
 * First an unscored count of what the words and filters match. Up to twice {@code ditto.search.query.facet-sample}
 * matches, the facets count every match exactly (the kNN half's neighbours included); beyond, they are estimated from
 * a random sample of about {@code facet-sample} matches ({@code random_sampler}: each match kept with probability
 * sample / matches, counts scaled up to all matches, the rest skipped unread). A sample of 1,000 puts a value held by
 * 10 % of the matches within about ±10 % of its count (one standard deviation); values held by a handful of matches
 * may not show. A similar-to search matches only its {@code k} neighbours and is always counted exactly.
 * <p>
 * Why not one request: facets of the best N matches (a {@code sampler} aggregation, the previous design) make
 * Elasticsearch score every match to find the best N, which also stops the hits' top-k collection from skipping; at a
 * million samples that was most of a first page's cost.
 */
public final class FacetCounts {
    private FacetCounts() {}

    /**
     * The facets of a first page.
     *
     * @param matches the words' and filters' matches the count found; -1 when not counted (a similar-to search,
     *                or {@code facet-sample} 0: everything counted exactly)
     * @param sampled matches in the sample the counts were scaled from; -1 when every match was counted
     * @param tookMs  Elasticsearch's own time for the count and the facets, added up
     */
    public record Result(List<Facet> facets, List<ScoreSummary> summaries, long matches, long sampled, long tookMs) {
        public Result {
            facets = List.copyOf(facets);
            summaries = List.copyOf(summaries);
        }

        public boolean isSampled() {
            return sampled >= 0;
        }
    }

    /** Counts the facets of {@code request} on {@code index} (the alias); {@code queryVector} as the hits' request has it. */
    public static Result count(ElasticsearchClient client, String index, SearchRequest request, float @Nullable [] queryVector,
                               @Nullable Long excludeId, SearchProperties.Query tuning) throws IOException {
        boolean neighboursOnly = request.text() == null && queryVector != null;
        long matches = -1;
        long took = 0;
        double probability = 1;
        if (!neighboursOnly && tuning.facetSample() > 0) {
            var counted = client.search(HybridQuery.facetCount(index, request, excludeId, tuning), Void.class);
            matches = counted.hits().total() == null ? 0 : counted.hits().total().value();
            took += counted.took();
            probability = probability(matches, tuning.facetSample());
        }
        var counted = client.search(HybridQuery.facets(index, request, queryVector, excludeId, tuning, probability), Void.class);
        took += counted.took();
        Map<String, Aggregate> aggs = counted.aggregations();
        long sampled = -1;
        Aggregate sample = aggs.get(HybridQuery.SAMPLE);
        if (sample != null) {
            SamplerAggregate s = randomSample(sample, client._jsonpMapper());
            sampled = s.docCount();
            aggs = s.aggregations();
        }
        return new Result(facets(aggs), summaries(aggs), matches, sampled, took);
    }

    /** The probability that samples about {@code sample} of {@code matches}; 1 (count every match) up to twice the sample. */
    static double probability(long matches, int sample) {
        if (sample <= 0 || matches <= 2L * sample) {
            return 1;
        }
        return Math.min(HybridQuery.MAX_SAMPLE_PROBABILITY, (double) sample / matches);
    }

    /**
     * The client knows {@code random_sampler} requests but not their responses: it hands the aggregate over as raw
     * JSON, which is a {@code sampler}'s plus its seed and probability.
     */
    private static SamplerAggregate randomSample(Aggregate sample, JsonpMapper mapper) {
        if (sample.isSampler()) {
            return sample.sampler();
        }
        ObjectNode tree = (ObjectNode) JSON.readTree(sample._custom().toJson(mapper).toString());
        tree.remove("seed");
        tree.remove("probability");
        return SamplerAggregate._DESERIALIZER.deserialize(mapper.jsonProvider().createParser(new StringReader(tree.toString())), mapper);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Facet> facets(Map<String, Aggregate> aggs) {
        List<Facet> facets = new ArrayList<>();
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
        return facets;
    }

    private static List<ScoreSummary> summaries(Map<String, Aggregate> aggs) {
        List<ScoreSummary> summaries = new ArrayList<>();
        for (ScoreField field : ScoreField.values()) {
            Aggregate agg = aggs.get(field.name());
            if (agg != null && agg.isStats()) {
                StatsAggregate s = agg.stats();
                summaries.add(new ScoreSummary(field, s.count(), s.min(), s.max(), s.avg()));
            }
        }
        return summaries;
    }
}
