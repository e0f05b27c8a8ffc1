package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The settings a new index version is created with, as configured. */
class IndexMappingTest {
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aClusterIndexGetsItsReplicasAndTheConfiguredHnswGraphOnBothVectors() {
        JsonNode index = json.readTree(IndexMapping.settingsAndMappings(3, 1, false,
                IndexMapping.VectorIndex.BBQ_HNSW.options(32, 200)));
        assertThat(index.at("/settings/number_of_shards").asInt()).isEqualTo(3);
        assertThat(index.at("/settings/number_of_replicas").asInt()).isEqualTo(1);
        for (String field : new String[] {"vector", "instruction_vector"}) {
            JsonNode options = index.at("/mappings/properties/" + field + "/index_options");
            assertThat(options.path("type").asString()).isEqualTo("bbq_hnsw");
            assertThat(options.path("m").asInt()).isEqualTo(32);
            assertThat(options.path("ef_construction").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aBulkLoadStartsWithoutReplicasAndDiskBbqHasNoGraph() {
        JsonNode index = json.readTree(IndexMapping.settingsAndMappings(1, 2, true,
                IndexMapping.VectorIndex.BBQ_DISK.options(32, 200)));
        assertThat(index.at("/settings/number_of_replicas").asInt()).as("added by BulkLoad.finish").isZero();
        JsonNode options = index.at("/mappings/properties/vector/index_options");
        assertThat(options.path("type").asString()).isEqualTo("bbq_disk");
        assertThat(options.has("m")).isFalse();
    }

    @Test
    void theDefaultsAreElasticsearchsOwnAndANonsenseGraphIsRefused() {
        assertThat(IndexMapping.VectorIndex.BBQ_HNSW.options(16, 100)).isEqualTo(IndexMapping.VECTOR_INDEX_OPTIONS);
        assertThatThrownBy(() -> IndexMapping.VectorIndex.BBQ_HNSW.options(1, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hnsw-m");
    }
}
