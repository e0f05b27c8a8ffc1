package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import dev.ditto.search.SampleSearch;
import dev.ditto.search.SearchRequest;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A batch over many matches decides every one (reporting those another curator decided), and its undo restores them,
 * while the dashboard's reads (the review queue's counts, a search) keep answering; the times and the reads' latency
 * are printed, not asserted (speed belongs to benchmarks). The build runs it with 10,000 matches;
 * {@code -Dditto.test.batch-samples=100000} runs it at issue 21's size. The samples are written with set-based SQL
 * and indexed with one bulk load, the way a large corpus already is.
 */
@DittoIntegrationTest
class DecisionBatchScaleIT {
    private static final int SAMPLES = Integer.getInteger("ditto.test.batch-samples", 10_000);
    private static final int DECIDED_BY_BOB = 500;

    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired DecisionBatches batches;
    @Autowired ReviewService reviews;
    @Autowired SampleSearch search;
    @Autowired ElasticsearchClient elasticsearch;
    @Value("${ditto.search.index-prefix}") String indexPrefix;

    @AfterEach
    void tearDown() {
        signOut();
    }

    @Test
    void decidesAndUndoesOneHundredThousandMatchesWithinAMinuteEachWhileTheDashboardAnswers() throws Exception {
        CurationFixtures fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        jdbc.sql("truncate decision_batches cascade").update();
        String alice = fixtures.user("alice", Role.CURATOR);
        fixtures.user("bob", Role.CURATOR);
        long first = fixtures.sampleInReview(0.8); // a source and clip to hang the corpus on
        String word = "harbourlight";
        jdbc.sql("""
                with ins as (
                    insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, embedding)
                    select s.source_id, s.clip_id, 'GLOBAL_STYLE', 'Light the harbourlight number ' || g, '{}', 'grammar', 'builtin', 'v1',
                           array_fill(cast(0.05 as real), array[384])
                    from generate_series(1, :n) g, samples s where s.id = :first
                    returning id, source_id, clip_id)
                insert into samples (source_id, clip_id, instruction_id, status, category, edited_blob_key, keyframe_blob_key,
                                     metrics, provenance, verdict, judge_score, judge_engine)
                select source_id, clip_id, id, 'IN_REVIEW', 'GLOBAL_STYLE', 'e' || id, 'k' || id, '{}', '{}', '{}', 0.8, 'metric'
                from ins""").param("n", SAMPLES).param("first", first).update();
        jdbc.sql("analyze instructions").update(); // fresh statistics: without them the planner has chosen nested loops
        jdbc.sql("analyze samples").update();      // over the whole bulk load and taken minutes
        List<Long> ids = jdbc.sql("select id from samples where id > :first order by id").param("first", first)
                .query(Long.class).list();
        assertThat(ids).hasSize(SAMPLES);
        // bob decided some of them already: the batch reports them and leaves them as they are
        jdbc.sql("""
                insert into reviews (sample_id, reviewer_id, decision) select id, (select id from users where username = 'bob'), 'ACCEPT'
                from unnest(cast(:ids as bigint[])) id""").param("ids", ReviewService.array(ids.subList(0, DECIDED_BY_BOB))).update();
        jdbc.sql("update samples set status = 'ACCEPTED', decided_at = now() where id = any(cast(:ids as bigint[]))")
                .param("ids", ReviewService.array(ids.subList(0, DECIDED_BY_BOB))).update();
        index(ids, word);
        signIn(alice, Role.CURATOR);
        SearchRequest query = SearchRequest.text(word);
        assertThat(batches.count(query, null)).isEqualTo(SAMPLES);

        Probe probe = new Probe(alice, query);
        Thread probing = Thread.ofPlatform().name("dashboard-probe").start(probe);
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.count() >= 20);
        List<Long> before = probe.takeLatencies();
        long start = System.nanoTime();
        DecisionBatch batch = batches.create(alice, new NewDecisionBatch(query, null, ReviewDecision.ACCEPT, null, null, (long) SAMPLES));
        long snapshotted = System.nanoTime();
        DecisionBatch done = awaitState(batch.id(), DecisionBatch.State.DONE, Duration.ofSeconds(120));
        double decideSeconds = (System.nanoTime() - start) / 1e9;
        List<Long> duringDecide = probe.takeLatencies();

        long undoStart = System.nanoTime();
        batches.undo(alice, batch.id());
        DecisionBatch undone = awaitState(batch.id(), DecisionBatch.State.UNDONE, Duration.ofSeconds(120));
        double undoSeconds = (System.nanoTime() - undoStart) / 1e9;
        probe.stop.set(true);
        probing.join();
        List<Long> duringUndo = probe.takeLatencies();

        System.out.printf("decision batch of %d matches: snapshot %.2f s, decided in %.2f s (%d decided, %d skipped);"
                        + " undone in %.2f s; dashboard reads before: %s; while deciding: %s; while undoing: %s%n",
                SAMPLES, (snapshotted - start) / 1e9, decideSeconds, done.decided(), done.skipped(), undoSeconds,
                summary(before), summary(duringDecide), summary(duringUndo));
        assertThat(done.decided()).isEqualTo(SAMPLES - DECIDED_BY_BOB);
        assertThat(done.skippedReasons()).containsExactly(new DecisionBatch.ReasonCount("already ACCEPTED by bob", DECIDED_BY_BOB));
        assertThat(undone.undone()).isEqualTo(SAMPLES - DECIDED_BY_BOB);
        assertThat(jdbc.sql("select count(*) from samples where status = 'IN_REVIEW'").query(Long.class).single())
                .isEqualTo(SAMPLES - DECIDED_BY_BOB + 1L);
    }

    /** Bulk-loads the samples' documents as the indexer would write them (the fields the query and the rows read). */
    private void index(List<Long> ids, String word) throws Exception {
        search.countMatches(SearchRequest.text(word)); // makes sure the index and its alias exist
        String alias = indexPrefix + "samples";
        for (int from = 0; from < ids.size(); from += 5000) {
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            for (long id : ids.subList(from, Math.min(ids.size(), from + 5000))) {
                Map<String, Object> doc = Map.of("sample_id", id, "instruction", "Light the " + word + " number " + id,
                        "category", "GLOBAL_STYLE", "status", "IN_REVIEW", "created_at", "2026-01-01T00:00:00Z");
                bulk.operations(o -> o.index(x -> x.index(alias).id(Long.toString(id)).document(doc)));
            }
            var response = elasticsearch.bulk(bulk.build());
            assertThat(response.errors()).as("bulk load").isFalse();
        }
        elasticsearch.indices().refresh(r -> r.index(alias));
    }

    private DecisionBatch awaitState(long id, DecisionBatch.State state, Duration within) {
        await().atMost(within).pollInSameThread().pollInterval(Duration.ofMillis(200))
                .until(() -> batches.find(id).orElseThrow().state(), s -> s == state);
        return batches.find(id).orElseThrow();
    }

    /** A curator on the dashboard: the review queue's counts and a search, one after the other, each timed. */
    private final class Probe implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final String user;
        private final SearchRequest query;

        Probe(String user, SearchRequest query) {
            this.user = user;
            this.query = query;
        }

        @Override
        public void run() {
            signIn(user, Role.CURATOR);
            while (!stop.get()) {
                long t = System.nanoTime();
                reviews.stats(user);
                latencies.add((System.nanoTime() - t) / 1_000_000);
                t = System.nanoTime();
                search.search(query);
                latencies.add((System.nanoTime() - t) / 1_000_000);
                // pace like a person clicking, not a load test (a bounded wait on the stop flag)
                await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
        }

        int count() {
            return latencies.size();
        }

        List<Long> takeLatencies() {
            synchronized (latencies) {
                List<Long> copy = new ArrayList<>(latencies);
                latencies.clear();
                return copy;
            }
        }
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    private static String summary(List<Long> ms) {
        return ms.size() + " reads, p50 " + percentile(ms, 0.5) + " ms, p95 " + percentile(ms, 0.95) + " ms, max "
                + percentile(ms, 1.0) + " ms";
    }
}
