package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The requests a search sends: the hits' request carries no aggregation (so its top-k collection can skip), and the
 * first page's facets count every match or a random sample of them, by the size of the match set.
 */
class HybridQueryTest {
    private final float[] vector = new float[384];

    private static SearchProperties.Query tuning(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("ditto.search", SearchProperties.class).query();
    }

    @Test
    void theHitsRequestCarriesNoAggregationAndStopsCountingAtTheCap() {
        SearchProperties.Query tuning = tuning(Map.of());
        var hits = HybridQuery.build(HybridQuery.Spec.of(SearchRequest.text("snow"), tuning).onIndex("ditto-samples").near(vector));
        assertThat(hits.aggregations()).isEmpty();
        assertThat(hits.trackTotalHits().count()).isEqualTo(tuning.totalHitsUpTo());
        assertThat(hits.knn()).hasSize(1);
    }

    @Test
    void facetsCountEveryMatchUpToTwiceTheSampleAndASampleOfAboutItBeyond() {
        assertThat(FacetCounts.probability(0, 1000)).isEqualTo(1);
        assertThat(FacetCounts.probability(2000, 1000)).isEqualTo(1);
        assertThat(FacetCounts.probability(2001, 1000)).isCloseTo(1000 / 2001.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(FacetCounts.probability(1_000_000, 1000)).isEqualTo(0.001);
        assertThat(FacetCounts.probability(1_000_000, 0)).as("facet-sample 0: always every match").isEqualTo(1);
    }

    @Test
    void aSampledFacetRequestSkipsTheKnnHalfAndAnExactOneKeepsIt() {
        SearchProperties.Query tuning = tuning(Map.of());
        SearchRequest request = SearchRequest.text("snow").withCategories(List.of("GLOBAL_STYLE"));
        var count = HybridQuery.facetCount("ditto-samples", request, null, tuning);
        assertThat(count.size()).isZero();
        assertThat(count.trackTotalHits().enabled()).isTrue();
        assertThat(count.knn()).isEmpty();
        assertThat(count.aggregations()).isEmpty();

        var sampled = HybridQuery.facets("ditto-samples", request, vector, null, tuning, 0.01);
        assertThat(sampled.knn()).isEmpty();
        var sampler = sampled.aggregations().get(HybridQuery.SAMPLE);
        assertThat(sampler.randomSampler().probability()).isEqualTo(0.01);
        assertThat(sampler.randomSampler().seed()).as("a fixed seed: the same search samples the same matches").isEqualTo(HybridQuery.SAMPLE_SEED);
        assertThat(sampler.aggregations()).containsKeys("category", "status", "engines", "tags", HybridQuery.HISTOGRAM, "JUDGE_OVERALL");
        // the words decide the matches in both, unscored
        assertThat(sampled.query().bool().filter()).hasSize(2);

        var exact = HybridQuery.facets("ditto-samples", request, vector, null, tuning, 1);
        assertThat(exact.knn()).hasSize(1);
        assertThat(exact.aggregations()).containsKeys("category", "JUDGE_OVERALL").doesNotContainKey(HybridQuery.SAMPLE);
    }

    @Test
    void aProbabilityElasticsearchWouldRefuseIsRefusedHere() {
        SearchProperties.Query tuning = tuning(Map.of());
        for (double p : new double[] {0, 0.6, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> HybridQuery.facets("ditto-samples", SearchRequest.text("snow"), null, null, tuning, p))
                    .as("probability %s", p).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
