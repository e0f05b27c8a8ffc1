package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The request a search sends: the facets of a ranked search count its best matches, however many shards hold them. */
class HybridQueryTest {
    private final float[] vector = new float[384];

    private static SearchProperties.Query tuning(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("ditto.search", SearchProperties.class).query();
    }

    private static co.elastic.clients.elasticsearch.core.SearchRequest firstPage(SearchRequest request, float[] vector,
                                                                                 SearchProperties.Query tuning, int shards) {
        return HybridQuery.build(HybridQuery.Spec.of(request, tuning).onIndex("ditto-samples").near(vector).shards(shards));
    }

    @Test
    void theBestMatchesAreSplitEvenlyAcrossTheShards() {
        SearchProperties.Query tuning = tuning(Map.of());
        assertThat(tuning.facetSample()).isEqualTo(1000);
        for (int[] shardsAndShare : new int[][] {{1, 1000}, {2, 500}, {3, 334}}) {
            var body = firstPage(SearchRequest.text("snow"), vector, tuning, shardsAndShare[0]);
            assertThat(body.aggregations().get(HybridQuery.BEST_MATCHES).sampler().shardSize())
                    .as("%d shard(s)", shardsAndShare[0]).isEqualTo(shardsAndShare[1]);
        }
        var custom = firstPage(SearchRequest.text("snow"), vector, tuning(Map.of("ditto.search.query.facet-sample", "300")), 2);
        assertThat(custom.aggregations().get(HybridQuery.BEST_MATCHES).sampler().shardSize()).isEqualTo(150);
    }

    @Test
    void browsingCountsEveryMatchAndLaterPagesCarryNoFacets() {
        SearchProperties.Query tuning = tuning(Map.of());
        var browse = HybridQuery.build(HybridQuery.Spec.of(SearchRequest.text(null), tuning).onIndex("ditto-samples").shards(2));
        assertThat(browse.aggregations()).doesNotContainKey(HybridQuery.BEST_MATCHES).containsKey("category");
        var nextPage = HybridQuery.build(HybridQuery.Spec.of(SearchRequest.text("snow"), tuning).onIndex("ditto-samples")
                .near(vector).withFacets(false).shards(2));
        assertThat(nextPage.aggregations()).isEmpty();
    }
}
