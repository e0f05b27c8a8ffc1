package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code ditto.search.url} naming one node or several nodes of a cluster. */
class SearchNodesTest {

    @Test
    void aCommaSeparatedListNamesEveryNodeOfTheCluster() throws Exception {
        assertThat(PlatformConfiguration.nodes(" http://es-1:9200, https://es-2:9200 ,http://es-3:9201,"))
                .containsExactly(URI.create("http://es-1:9200"), URI.create("https://es-2:9200"), URI.create("http://es-3:9201"));
        try (Rest5Client client = PlatformConfiguration.restClient("http://127.0.0.1:9201,http://127.0.0.1:9202", null,
                Duration.ofSeconds(1))) {
            assertThat(client.getNodes()).hasSize(2);
        }
    }

    @Test
    void oneUrlStaysOneNode() {
        assertThat(PlatformConfiguration.nodes("http://127.0.0.1:9200")).containsExactly(URI.create("http://127.0.0.1:9200"));
    }

    @Test
    void aNodeWithoutSchemeOrAnEmptyListIsRefusedWithTheReason() {
        assertThatThrownBy(() -> PlatformConfiguration.nodes("http://es-1:9200,es-2:9200"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'es-2:9200'")
                .hasMessageContaining("http://es-1:9200,http://es-2:9200");
        assertThatThrownBy(() -> PlatformConfiguration.nodes(" , "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no node");
    }
}
