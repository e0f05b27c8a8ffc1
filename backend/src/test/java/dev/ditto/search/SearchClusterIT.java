package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cat.shards.ShardsRecord;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import dev.ditto.BackendTestApplication;
import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedElasticsearchCluster;
import dev.ditto.db.testing.SharedInfrastructure;
import dev.ditto.outbox.Outbox;
import dev.ditto.testing.SharedInfrastructureInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * The search code, unchanged, on a real three-node Elasticsearch cluster (the embedded distribution, three nodes on
 * this machine, 384 MB heap each) named to the server by all three URLs: indices get one replica (and the configured
 * HNSW graph), the cluster is
 * green with every replica allocated on another node than its primary, the dashboard's hybrid search finds the
 * samples the outbox indexed, a reindex rebuilds them onto the cluster, and with the first node of the URL list
 * SIGKILLed the same search still answers from the replicas.
 */
@SpringBootTest(classes = BackendTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = SearchClusterIT.ThreeNodes.class)
@TestPropertySource(properties = {
        "ditto.search.indexer.enabled=false", // the test drains the outbox itself
        "ditto.search.index.shards=2",
        "ditto.search.index.hnsw-m=24", "ditto.search.index.hnsw-ef-construction=150",
        "ditto.search.warmup.on-start=false"})
@DirtiesContext // the cluster stops with this context
class SearchClusterIT {
    static final int NODES = 3;
    static EmbeddedElasticsearchCluster cluster;

    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleIndex index;
    @Autowired SampleSearch search;
    @Autowired SearchAdmin admin;
    @Autowired ElasticsearchClient client;
    @Autowired ApplicationContext context;

    /** The shared PostgreSQL, and a cluster of three nodes of its own, stopped when the context closes. */
    static class ThreeNodes extends SharedInfrastructureInitializer {
        @Override
        protected String searchUrl(ConfigurableApplicationContext context) {
            try {
                cluster = EmbeddedElasticsearchCluster.start(SharedInfrastructure.root(),
                        EmbeddedElasticsearch.defaultDistribution(), "ditto-it-cluster", NODES, 384,
                        EmbeddedElasticsearchCluster.Speed.QUICK_START);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    try {
                        cluster.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            return cluster.urls();
        }
    }

    @Test
    void samplesOnAThreeNodeClusterAreReplicatedFoundByTheHybridSearchAndSurviveALostNode() throws Exception {
        SampleFixtures fixtures = new SampleFixtures(jdbc, outbox);
        var beach = fixtures.aSource("a woman walks a dog along a beach", "outdoor");
        var street = fixtures.aSource("cars drive down a busy city street at night");
        long watercolour = fixtures.aSample(beach, "Turn the scene into a watercolour painting").build();
        long snow = fixtures.aSample(street, "Make it snow heavily on the street").category("GLOBAL_FREEFORM").build();
        for (int i = 0; i < 30; i++) {
            fixtures.aSample(i % 2 == 0 ? beach : street, "Shift the colour balance towards warm tones, variant " + i).build();
        }
        SampleFixtures.indexEverything(indexer, context);
        String live = index.currentIndex().orElseThrow();

        assertThat(client.indices().getSettings(g -> g.index(live)).get(live).settings().index().numberOfReplicas())
                .as("a configured cluster gets one replica").isEqualTo("1");
        var vectorOptions = client.indices().getMapping(m -> m.index(live)).get(live).mappings().properties()
                .get("vector").denseVector().indexOptions();
        assertThat(vectorOptions.type().jsonValue()).as("a configured cluster's default").isEqualTo("bbq_hnsw");
        assertThat(vectorOptions.m()).isEqualTo(24);
        assertThat(vectorOptions.efConstruction()).isEqualTo(150);
        HealthResponse green = awaitHealth(HealthStatus.Green, NODES);
        assertThat(green.numberOfNodes()).isEqualTo(NODES);
        assertThat(green.unassignedShards()).isZero();
        assertThat(green.activeShards()).as("every primary has its replica").isEqualTo(2 * green.activePrimaryShards());
        assertReplicasOnOtherNodes(live);
        assertThat(index.count(live)).isEqualTo(32);

        // the dashboard's search: hybrid text + vector, facets, highlights
        assertThat(search.search(SearchRequest.text("watercolour painting")).hits().getFirst().sampleId()).isEqualTo(watercolour);
        assertThat(search.search(SearchRequest.text("snow on the street")).hits().getFirst().sampleId()).isEqualTo(snow);

        ReindexReport rebuilt = admin.reindex();
        assertThat(rebuilt.index()).isNotEqualTo(live);
        assertThat(rebuilt.indexedDocuments()).isEqualTo(32);
        assertThat(client.indices().getSettings(g -> g.index(rebuilt.index())).get(rebuilt.index()).settings().index()
                .numberOfReplicas()).as("a reindex restores the replicas after its bulk load").isEqualTo("1");
        assertThat(awaitHealth(HealthStatus.Green, NODES).unassignedShards()).isZero();
        assertReplicasOnOtherNodes(rebuilt.index());

        cluster.kill(0); // the first node the client knows, gone at once
        assertThat(search.search(SearchRequest.text("watercolour painting")).hits().getFirst().sampleId())
                .as("the search still answers, from the other nodes").isEqualTo(watercolour);
        HealthResponse yellowOrBetter = awaitHealth(HealthStatus.Yellow, NODES - 1);
        assertThat(yellowOrBetter.numberOfNodes()).isEqualTo(NODES - 1);
        long another = fixtures.aSample(street, "Replace the cars with horse-drawn carriages").build();
        SampleFixtures.indexEverything(indexer, context);
        assertThat(index.count(index.alias())).as("no document lost, the new one written").isEqualTo(33);
        assertThat(search.search(SearchRequest.text("horse-drawn carriages")).hits().getFirst().sampleId()).isEqualTo(another);
    }

    private HealthResponse awaitHealth(HealthStatus status, int nodes) throws IOException {
        HealthResponse health = client.cluster().health(h -> h.waitForStatus(status).waitForNodes(String.valueOf(nodes))
                .waitForNoRelocatingShards(true).waitForNoInitializingShards(true).timeout(t -> t.time("60s")));
        assertThat(health.timedOut()).as("cluster %s with %d nodes: %s", status, nodes, health).isFalse();
        return health;
    }

    private void assertReplicasOnOtherNodes(String indexName) throws IOException {
        List<ShardsRecord> shards = client.cat().shards(s -> s.index(indexName)).shards();
        Map<String, List<ShardsRecord>> byShard = shards.stream().collect(Collectors.groupingBy(ShardsRecord::shard));
        assertThat(byShard).hasSize(2);
        byShard.forEach((shard, copies) -> {
            assertThat(copies).as("shard %s: a primary and a replica", shard).hasSize(2)
                    .allSatisfy(c -> assertThat(c.state()).isEqualTo("STARTED"));
            assertThat(copies.stream().map(ShardsRecord::node).distinct()).as("shard %s on two nodes", shard).hasSize(2);
        });
    }
}
