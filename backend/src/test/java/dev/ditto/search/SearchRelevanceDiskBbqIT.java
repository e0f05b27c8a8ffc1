package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Every relevance, facet, filter and paging test of {@link SearchRelevanceIT} again, on an index that stores its
 * vectors as DiskBBQ ({@code ditto.search.index.vector-index=bbq_disk}) instead of an HNSW graph.
 */
@TestPropertySource(properties = "ditto.search.index.vector-index=bbq_disk")
class SearchRelevanceDiskBbqIT extends SearchRelevanceIT {

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
