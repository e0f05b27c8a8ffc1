package dev.ditto.search;

import org.springframework.test.context.TestPropertySource;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.ditto.outbox.Outbox;
import dev.ditto.platform.DittoProperties;
import dev.ditto.testing.DittoIntegrationTest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@DittoIntegrationTest
// the test drives the indexer itself; a scheduled drain would race it for the same outbox rows
@TestPropertySource(properties = "ditto.search.indexer.enabled=false")
class SearchIndexingIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleIndex index;
    @Autowired SampleDocuments documents;
    @Autowired SampleSearch search;
    @Autowired SearchProperties properties;
    @Autowired DittoProperties ditto;
    @Autowired PlatformTransactionManager transactions;
    @Autowired Clock clock;
    @Autowired ObjectMapper json;

    SampleFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SampleFixtures(jdbc, outbox);
        jdbc.sql("delete from outbox").update();
    }

    @Test
    void sampleWrittenThroughTheOutboxBecomesSearchableWithEveryScore() throws Exception {
        var source = fixtures.aSource("a woman walks a dog along a beach", "outdoor");
        long id = fixtures.aSample(source, "Turn the scene into a watercolour painting").tagged("favourite").build();
        long releaseId = fixtures.release("ditto", "1.0.0", List.of(id));

        drainAll();

        JsonNode doc = document(id);
        assertThat(doc.path("instruction").asString()).isEqualTo("Turn the scene into a watercolour painting");
        assertThat(doc.path("caption").asString()).contains("beach");
        assertThat(doc.path("category").asString()).isEqualTo("GLOBAL_STYLE");
        assertThat(doc.path("judge_score").asDouble()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(doc.path("judge").path("temporal_consistency").asDouble()).isEqualTo(0.9);
        assertThat(doc.path("judge_model").asString()).isEqualTo("metric-v1");
        assertThat(doc.path("metrics").path("warp_error").asDouble()).isEqualTo(1.2);
        assertThat(doc.path("probe").path("motion").asDouble()).as("clip score wins over the source's").isEqualTo(3.0);
        assertThat(doc.path("probe").path("brisque").asDouble()).isEqualTo(31.0);
        assertThat(strings(doc.path("engines"))).contains("builtin.grammar", "builtin.metric-judge", "builtin.flow-propagation");
        assertThat(doc.path("runner").asString()).isEqualTo("gpu-01");
        assertThat(strings(doc.path("tags"))).containsExactlyInAnyOrder("favourite", "outdoor");
        assertThat(doc.path("release_ids").get(0).asLong()).isEqualTo(releaseId);
        assertThat(strings(doc.path("releases"))).containsExactly("ditto@1.0.0");

        SearchPage page = search.search(SearchRequest.text("watercolour"));
        assertThat(page.hits().getFirst().sampleId()).isEqualTo(id);
        assertThat(indexer.lag().caughtUp()).isTrue();
    }

    @Test
    void highlightsEscapeTheIndexedTextSoOnlyTheEmphasisIsMarkup() throws Exception {
        var source = fixtures.aSource("a <img src=x onerror=alert(2)> quokka caption");
        long id = fixtures.aSample(source, "Paint <script>alert(1)</script> quokkas & friends on the wall").build();

        drainAll();
        Hit hit = search.search(SearchRequest.text("quokkas")).hits().stream().filter(h -> h.sampleId() == id)
                .findFirst().orElseThrow();

        assertThat(hit.instruction()).as("the hit's own text stays as written").contains("<script>");
        assertThat(hit.highlights().get("instruction")).singleElement().asString()
                .contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;", "<em>quokkas</em>", "&amp; friends")
                .doesNotContain("<script>");
        assertThat(String.join("", hit.highlights().getOrDefault("caption", List.of())))
                .doesNotContain("<img").doesNotContain("onerror=alert(2)>");
    }

    @Test
    void captionChangeOnTheSourceReindexesAllItsSamples() throws Exception {
        var source = fixtures.aSource("a city street at noon");
        long a = fixtures.aSample(source, "Make it night time").build();
        long b = fixtures.aSample(source, "Add falling leaves").category("LOCAL_ADD").build();
        drainAll();

        fixtures.setCaption(source, "a harbour with sailing boats");
        drainAll();

        assertThat(document(a).path("caption").asString()).isEqualTo("a harbour with sailing boats");
        assertThat(document(b).path("caption").asString()).isEqualTo("a harbour with sailing boats");
    }

    @Test
    void deletedSampleLeavesTheIndexAndStatusChangesArrive() throws Exception {
        var source = fixtures.aSource("a cat on a sofa");
        long kept = fixtures.aSample(source, "Make the cat orange").build();
        long gone = fixtures.aSample(source, "Remove the sofa").category("LOCAL_REMOVE").build();
        drainAll();

        fixtures.setStatus(kept, "ACCEPTED");
        fixtures.deleteSample(gone);
        drainAll();

        assertThat(document(kept).path("status").asString()).isEqualTo("ACCEPTED");
        assertThat(index.client().exists(e -> e.index(index.alias()).id(Long.toString(gone))).value()).isFalse();
        assertThat(index.count(index.alias())).isEqualTo(fixtures.samplesInDatabase());
    }

    @Test
    void lagCountsPendingEventsAndTheirAgeUntilDrained() {
        var source = fixtures.aSource("a forest path");
        fixtures.aSample(source, "Add fog").build();
        fixtures.aSample(source, "Make it autumn").build();

        IndexLag before = indexer.lag();
        assertThat(before.pendingEvents()).isEqualTo(2);
        assertThat(before.oldestPendingAge()).isNotNull();

        drainAll();
        assertThat(indexer.lag()).isEqualTo(new IndexLag(0, 0, null, null));
    }

    @Test
    void elasticsearchUnreachableKeepsTheEventsThenTheOutboxCatchesUpAndCountsMatch() throws Exception {
        var source = fixtures.aSource("two children play football in a park");
        for (int i = 0; i < 12; i++) {
            fixtures.aSample(source, "Paint the grass shade " + i).build();
        }
        OutboxIndexer cutOff = indexerTalkingTo(deadCluster(), clock);

        DrainResult failed = cutOff.drainOnce();

        assertThat(failed.failedEvents()).isEqualTo(12);
        IndexLag lag = indexer.lag();
        assertThat(lag.pendingEvents()).isEqualTo(12);
        assertThat(lag.failingEvents()).isEqualTo(12);
        assertThat(lag.lastError()).contains("Elasticsearch");
        assertThat(jdbc.sql("select min(attempts) from outbox").query(Integer.class).single()).isEqualTo(1);
        assertThat(indexer.drainOnce().events()).as("failed events wait for their backoff").isZero();

        // The cluster is back; once the backoff has passed, the regular indexer catches up.
        OutboxIndexer later = indexerTalkingTo(index.client(), Clock.offset(clock, Duration.ofMinutes(10)));
        while (later.drainOnce().events() > 0) {
            // drain everything that is due
        }
        index.refresh();

        assertThat(indexer.lag().caughtUp()).isTrue();
        assertThat(index.count(index.alias())).isEqualTo(fixtures.samplesInDatabase());
    }

    @Test
    void theRefreshIntervalSettingShapesANewIndexAndReachesTheLiveOneOnTheNextStart() throws Exception {
        String prefix = "t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-";
        SampleIndex first = new SampleIndex(index.client(), prefix, withRefresh(java.time.Duration.ofSeconds(5)), 1, 0,
                IndexMapping.VectorIndex.BBQ_HNSW);
        first.ensureAlias();
        assertThat(refreshInterval(first)).isEqualTo("5000ms");
        // the server restarted with another setting: the live index takes it when the server first uses it
        SampleIndex restarted = new SampleIndex(index.client(), prefix, withRefresh(java.time.Duration.ofMillis(1500)), 1,
                0, IndexMapping.VectorIndex.BBQ_HNSW);
        restarted.ensureAlias();
        assertThat(refreshInterval(restarted)).isEqualTo("1500ms");
        restarted.delete(restarted.currentIndex().orElseThrow());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withRefresh(java.time.Duration.ofMillis(10)))
                .hasMessageContaining("ditto.search.index.refresh-interval must be 100ms to 5m");
    }

    private SearchProperties withRefresh(java.time.Duration refresh) {
        SearchProperties.Index i = properties.index();
        return new SearchProperties(new SearchProperties.Index(i.shards(), i.replicas(), i.captionWeight(), i.vectorIndex(),
                i.hnswM(), i.hnswEfConstruction(), refresh), properties.indexer(), properties.query(), properties.reindex(),
                properties.warmup());
    }

    private static String refreshInterval(SampleIndex index) throws Exception {
        String name = index.currentIndex().orElseThrow();
        return index.client().indices().getSettings(g -> g.index(name)).get(name).settings().index().refreshInterval().time();
    }

    @Test
    void aWriteThroughAMissingAliasFailsInsteadOfCreatingAnIndexUnderTheAliasName() throws Exception {
        // an alias whose creation timed out under load must not be replaced by a concrete index of the same name
        SampleIndex fresh = new SampleIndex(index.client(), "t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-",
                properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        Map<Long, String> failed;
        try {
            failed = fresh.write(fresh.alias(), List.of(new SampleIndex.Upsert(1L, Map.of("instruction", "x"))));
        } catch (java.io.UncheckedIOException e) {
            failed = Map.of(1L, String.valueOf(e.getMessage()));
        }
        assertThat(failed).containsKey(1L);
        assertThat(index.client().indices().exists(e -> e.index(fresh.alias())).value())
                .as("no index was created under the alias's name").isFalse();
        fresh.ensureAlias();
        assertThat(fresh.write(fresh.alias(), List.of(new SampleIndex.Upsert(2L, Map.of("instruction", "y"))))).isEmpty();
        fresh.delete(fresh.currentIndex().orElseThrow());
    }

    @Test
    void searchesThatAllArriveAtOnceCreateTheFirstIndexOnceAndAllSucceed() throws Exception {
        // what Elasticsearch's return after a hang looks like: every waiting search asks for the alias together, on this
        // server (one SampleIndex) and on a second replica (another one); before, all but one failed with
        // resource_already_exists_exception and answered 500
        String prefix = "t" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-";
        SampleIndex here = new SampleIndex(index.client(), prefix, properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        SampleIndex replica = new SampleIndex(index.client(), prefix, properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> calls = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                SampleIndex which = i % 2 == 0 ? here : replica;
                calls.add(pool.submit(() -> {
                    start.await();
                    which.ensureAlias();
                    return null;
                }));
            }
            start.countDown();
            for (var call : calls) {
                call.get(); // throws when a call failed
            }
        }
        assertThat(here.versions()).as("one index left behind the alias, whichever caller's it was").hasSize(1);
        assertThat(here.currentIndex()).contains(here.versions().getFirst());
        here.delete(here.currentIndex().orElseThrow());
    }

    private OutboxIndexer indexerTalkingTo(ElasticsearchClient client, Clock at) {
        SampleIndex target = new SampleIndex(client, ditto.search().indexPrefix(), properties, 1, 0, IndexMapping.VectorIndex.BBQ_HNSW);
        return new OutboxIndexer(jdbc, transactions, target, documents, properties, at);
    }

    private static ElasticsearchClient deadCluster() {
        Rest5Client rest = Rest5Client.builder(URI.create("http://127.0.0.1:9")).build();
        return new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
    }

    private void drainAll() {
        while (indexer.drainOnce().events() > 0) {
            // keep going until the outbox is empty
        }
        try {
            index.refresh();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode document(long id) throws Exception {
        var response = index.client().get(g -> g.index(index.alias()).id(Long.toString(id)), JsonData.class);
        assertThat(response.found()).as("sample %d is indexed", id).isTrue();
        return json.readTree(response.source().toJson().toString());
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }
}
