package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Every relevance, facet, filter and paging test of {@link SearchRelevanceIT} again, on the embedded node's layout on
 * a machine with two or more cores: vectors as DiskBBQ ({@code ditto.search.index.vector-index=bbq_disk}) instead of
 * an HNSW graph, and two shards, so BM25 statistics, kNN candidates, facets and paging all cross shards.
 */
@TestPropertySource(properties = {"ditto.search.index.vector-index=bbq_disk", "ditto.search.index.shards=2"})
class SearchRelevanceDiskBbqIT extends SearchRelevanceIT {

    @Test
    void theIndexHasTwoShardsAndASearchSpansBoth() throws Exception {
        var settings = index.client().indices().getSettings(g -> g.index(index.alias())).settings().values().iterator()
                .next().settings().index();
        assertThat(settings.numberOfShards()).isEqualTo("2");
        var response = index.client().search(s -> s.index(index.alias()).size(0), Void.class);
        assertThat(response.shards().total().intValue()).isEqualTo(2);
        assertThat(response.shards().successful().intValue()).isEqualTo(2);
    }

    @Autowired StartupWarmup startupWarmup;

    @Test
    void theLiveIndexIsWarmedWithSearchesMadeFromItsOwnSamples() {
        // an index this small gets the floor of 50 searches, made from its 12 samples
        assertThat(startupWarmup.run()).isEqualTo(50);
    }

    @Test
    void bothVectorFieldsAreDiskBbq() throws Exception {
        var mapping = index.client().indices().getMapping(m -> m.index(index.alias())).mappings().values().iterator()
                .next().mappings().properties();
        for (String field : new String[] {"vector", "instruction_vector"}) {
            assertThat(mapping.get(field).denseVector().indexOptions().type().jsonValue()).as(field)
                    .isEqualTo("bbq_disk");
        }
    }
}
