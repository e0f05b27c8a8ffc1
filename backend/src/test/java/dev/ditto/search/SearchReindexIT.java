package dev.ditto.search;

import org.springframework.test.context.TestPropertySource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.outbox.Outbox;
import dev.ditto.testing.DittoIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@DittoIntegrationTest
// the test drives the indexer itself; a scheduled drain would race it for the same outbox rows
@TestPropertySource(properties = "ditto.search.indexer.enabled=false")
class SearchReindexIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleIndex index;
    @Autowired SearchAdmin admin;
    @LocalServerPort int port;

    @Test
    void reindexWhileWritesContinueLosesNoDocumentAndSwapsTheAlias() throws Exception {
        var fixtures = new SampleFixtures(jdbc, outbox);
        var source = fixtures.aSource("a skateboarder in an empty car park");
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            fixtures.aSample(source, "Recolour the skateboard, variant " + i).withStoredEmbedding(unitVector(random)).build();
        }
        drainAll();
        String before = index.currentIndex().orElseThrow();

        // Writers and the indexer keep going while the rebuild runs.
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Random writes = new Random(11);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (writing.get()) {
                long id = fixtures.aSample(source, "Add a neon glow, take " + i++).withStoredEmbedding(unitVector(writes)).build();
                fixtures.setStatus(id - 50, "ACCEPTED");
                if (i % 7 == 0) {
                    fixtures.deleteSample(id - 3);
                }
                written.incrementAndGet();
                indexer.drainOnce();
            }
        });
        int writtenBefore = written.get();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/admin/search/reindex"))
                .header("Authorization", SearchRelevanceIT.basic("admin", "admin-test-password"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // only the writes made while the reindex request was in flight: those it had to catch up with
        int writtenDuring = written.get() - writtenBefore;
        writing.set(false);
        writer.get(60, TimeUnit.SECONDS);
        drainAll();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // the new version answered searches before it went live: 50 for an index this small
        assertThat(response.body()).contains("\"warmupSearches\":50");
        assertThat(writtenDuring).as("writes happened while the reindex ran").isPositive();
        String after = index.currentIndex().orElseThrow();
        assertThat(after).isNotEqualTo(before).endsWith("-v2");
        assertThat(index.versions()).containsExactly(after);
        assertThat(idsInIndex()).isEqualTo(idsInDatabase());
        long accepted = jdbc.sql("select count(*) from samples where status = 'ACCEPTED'").query(Long.class).single();
        assertThat(index.client().count(c -> c.index(index.alias()).query(q -> q.term(t -> t.field("status").value("ACCEPTED")))).count())
                .isEqualTo(accepted);
        SearchStatus status = admin.status();
        assertThat(status.indexedDocuments()).isEqualTo(status.samplesInDatabase());
        assertThat(status.lag().caughtUp()).isTrue();
    }

    @Test
    void reindexIsAdminOnly() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/admin/search/reindex"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private Set<Long> idsInDatabase() {
        return new HashSet<>(jdbc.sql("select id from samples").query(Long.class).list());
    }

    private Set<Long> idsInIndex() throws Exception {
        index.refresh();
        Set<Long> ids = new HashSet<>();
        var response = index.client().search(s -> s.index(index.alias()).size(10_000).source(src -> src.fetch(false)), Void.class);
        response.hits().hits().forEach(h -> ids.add(Long.parseLong(h.id())));
        return ids;
    }

    private void drainAll() throws Exception {
        while (indexer.drainOnce().events() > 0) {
            // until the outbox is empty
        }
        index.refresh();
    }

    private static float[] unitVector(Random random) {
        float[] v = new float[TextEmbedder.DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

}
