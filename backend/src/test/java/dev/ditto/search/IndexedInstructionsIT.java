package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.ditto.outbox.Outbox;
import dev.ditto.platform.DittoProperties;
import dev.ditto.platform.PlatformConfiguration;
import dev.ditto.testing.DittoIntegrationTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

@DittoIntegrationTest
// the test drives the indexer itself; a scheduled drain would race it for the same outbox rows
@TestPropertySource(properties = "ditto.search.indexer.enabled=false")
class IndexedInstructionsIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleIndex index;
    @Autowired IndexedInstructions instructions;
    @Autowired TextEmbedder embedder;
    @Autowired SearchProperties properties;
    @Autowired DittoProperties ditto;

    SampleFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SampleFixtures(jdbc, outbox);
    }

    @Test
    void findsTheSameInstructionWrittenForAnotherSourceAtFullSimilarityWhateverTheCaption() throws Exception {
        // a text no other test writes, so the nearest hit is this one
        String instruction = "Repaint the harbour as a " + UUID.randomUUID() + " woodcut print";
        var harbour = fixtures.aSource("fishing boats rock in a grey harbour at dawn");
        fixtures.aSample(harbour, instruction).build();
        drainAll();
        float[] query = embedder.embedAll(List.of(instruction)).getFirst();

        List<Double> nearest = instructions.nearestSimilarities(query, 3, null);

        // instruction_vector is the instruction alone: the caption blended into "vector" would pull this below 0.95
        assertThat(nearest).isNotEmpty();
        assertThat(nearest.getFirst()).isGreaterThan(0.99);
        assertThat(nearest).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void scopedToASourceSeesOnlyThatSourcesInstructions() throws Exception {
        String instruction = "Turn the " + UUID.randomUUID() + " market into a charcoal drawing";
        var market = fixtures.aSource("stalls of fruit in a busy market");
        var beach = fixtures.aSource("waves roll onto an empty beach");
        fixtures.aSample(market, instruction).build();
        fixtures.aSample(beach, "Add a flock of seagulls flying over the water").category("LOCAL_ADD").build();
        drainAll();
        float[] query = embedder.embedAll(List.of(instruction)).getFirst();

        List<Double> sameSource = instructions.nearestSimilarities(query, 1, market.id());
        List<Double> otherSource = instructions.nearestSimilarities(query, 1, beach.id());

        assertThat(sameSource).singleElement().satisfies(s -> assertThat(s).isGreaterThan(0.99));
        assertThat(otherSource).singleElement().satisfies(s -> assertThat(s).isLessThan(0.8));
    }

    @Test
    void anUnreachableClusterIsAnErrorTheCallerCanFallBackFrom() {
        Rest5Client rest = Rest5Client.builder(URI.create("http://127.0.0.1:9")).build();
        ElasticsearchClient dead = new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
        IndexedInstructions unreachable = new IndexedInstructions(new SampleIndex(dead, ditto.search().indexPrefix(), properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW));

        assertThatThrownBy(() -> unreachable.nearestSimilarities(new float[384], 1, null))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void withElasticsearchAwayTheStartupWarmUpIsSkippedWithoutFailingTheServer() {
        Rest5Client rest = Rest5Client.builder(URI.create("http://127.0.0.1:9")).build();
        ElasticsearchClient dead = new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
        SampleIndex unreachable = new SampleIndex(dead, ditto.search().indexPrefix(), properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        StartupWarmup warmup = new StartupWarmup(unreachable,
                new SampleSearch(unreachable, embedder, properties, tools.jackson.databind.json.JsonMapper.builder().build()), properties);

        assertThat(warmup.run()).isZero();
    }

    @Test
    void withElasticsearchAwayASearchSaysSoInsteadOfFailingObscurely() throws Exception {
        try (Rest5Client rest = PlatformConfiguration.restClient("http://127.0.0.1:9", null, Duration.ofSeconds(30))) {
            SampleSearch search = searchThrough(rest);

            assertThatThrownBy(() -> search.search(SearchRequest.text("snow")))
                    .isInstanceOf(SearchUnavailableException.class)
                    .hasMessageStartingWith("Search is unavailable: Elasticsearch is unreachable")
                    .hasMessageContaining("safe in PostgreSQL");
        }
    }

    @Test
    void aClusterThatNeverAnswersFailsTheSearchAfterTheRequestTimeoutInsteadOfHoldingIt() throws Exception {
        // accepts connections (the kernel's backlog completes them) and reads nothing back: a node stopped mid-GC
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Rest5Client rest = PlatformConfiguration.restClient("http://127.0.0.1:" + silent.getLocalPort(), null, Duration.ofSeconds(1))) {
            SampleSearch search = searchThrough(rest);

            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                    () -> search.search(SearchRequest.text("snow")))
                    .isInstanceOf(SearchUnavailableException.class)
                    .hasMessageContaining("did not answer in time (ditto.search.request-timeout)"));
        }
    }

    private SampleSearch searchThrough(Rest5Client rest) {
        ElasticsearchClient client = new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
        SampleIndex through = new SampleIndex(client, ditto.search().indexPrefix(), properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        return new SampleSearch(through, embedder, properties, tools.jackson.databind.json.JsonMapper.builder().build());
    }

    private void drainAll() throws java.io.IOException {
        while (indexer.drainOnce().events() > 0) {
            // keep going until the outbox is empty
        }
        index.refresh();
    }
}
