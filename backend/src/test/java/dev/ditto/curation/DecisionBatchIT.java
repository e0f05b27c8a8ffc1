package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ditto.search.Hit;
import dev.ditto.search.SampleSearch;
import dev.ditto.search.SearchRequest;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * "Decide all N matches of a query": words only by default, one audit entry naming the query, samples decided by
 * someone else reported and left as they are, a count that changed refused, a batch whose server died taken over at
 * its cursor, and the whole batch undone; the REST API's role rules and problem details.
 */
@DittoIntegrationTest
class DecisionBatchIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired DecisionBatches batches;
    @Autowired DecisionBatchWorker worker;
    @Autowired ReviewService reviews;
    @Autowired SampleSearch search;
    @LocalServerPort int port;

    CurationFixtures fixtures;
    String alice;
    String bob;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        jdbc.sql("truncate decision_batches cascade").update();
        alice = fixtures.user("alice", Role.CURATOR);
        bob = fixtures.user("bob", Role.CURATOR);
        fixtures.user("victor", Role.VIEWER);
    }

    @AfterEach
    void tearDown() {
        signOut();
    }

    /** Samples in review with {@code instruction}, indexed (outbox, then awaited in the index). */
    private List<Long> indexed(String word, int n, String instruction) {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = fixtures.sample("IN_REVIEW", 0.8, instruction);
            jdbc.sql("insert into outbox (aggregate, aggregate_id, event) values ('SAMPLE', :id, 'UPSERT')").param("id", id).update();
            ids.add(id);
        }
        return ids;
    }

    private void awaitIndexed(SearchRequest request, List<Long> ids, String status) {
        // a first search can race the indexer creating the index: wait through that too
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(search.search(request.withSize(200)).hits())
                .filteredOn(h -> ids.contains(h.sampleId())).extracting(Hit::status).hasSize(ids.size()).containsOnly(status));
    }

    @Test
    void decidesExactlyTheWordMatchesReportsOthersDecisionsAndUndoesTheWholeBatch() {
        String word = "snowfall";
        List<Long> matching = indexed(word, 3, "Add a heavy snowfall to the scene");
        // no word in common, close in meaning: the hybrid search shows them, "similar by meaning"
        List<Long> others = indexed(word, 2, "Cover the street in falling snow flakes");
        SearchRequest words = SearchRequest.text(word);
        awaitIndexed(SearchRequest.text(null), java.util.stream.Stream.concat(matching.stream(), others.stream()).toList(), "IN_REVIEW");
        // bob decided one of them already
        signIn(bob, Role.CURATOR);
        reviews.decide(bob, matching.get(0), CuratorDecision.accept());
        signIn(alice, Role.CURATOR);

        assertThat(batches.count(words, null)).isEqualTo(3);
        // the hybrid search also finds samples by meaning: words only is what decide-all takes by default
        assertThat(search.search(words.withWordsOnly(true)).hits()).extracting(Hit::sampleId).containsExactlyInAnyOrderElementsOf(matching);
        assertThat(search.search(words).hits()).filteredOn(h -> matching.contains(h.sampleId()))
                .extracting(Hit::matchedBy).containsOnly(Hit.MatchedBy.WORDS);
        assertThat(search.search(words).hits()).filteredOn(h -> others.contains(h.sampleId()))
                .extracting(Hit::matchedBy).containsOnly(Hit.MatchedBy.MEANING);

        DecisionBatch batch = batches.create(alice, new NewDecisionBatch(words, null, ReviewDecision.REJECT,
                ReasonCode.ARTIFACTS, "smeared edges", 3L));
        DecisionBatch done = awaitState(batch.id(), DecisionBatch.State.DONE);

        assertThat(done.matched()).isEqualTo(3);
        assertThat(done.decided()).isEqualTo(2);
        assertThat(done.skipped()).isEqualTo(1);
        assertThat(done.skippedReasons()).containsExactly(new DecisionBatch.ReasonCount("already ACCEPTED by bob", 1));
        assertThat(batches.skipped(batch.id(), 10, 0)).containsExactly(new DecisionBatches.Skipped(matching.get(0), "already ACCEPTED by bob"));
        assertThat(fixtures.status(matching.get(0))).isEqualTo("ACCEPTED");
        assertThat(fixtures.status(matching.get(1))).isEqualTo("REJECTED");
        assertThat(fixtures.status(matching.get(2))).isEqualTo("REJECTED");
        assertThat(others).allSatisfy(id -> assertThat(fixtures.status(id)).isEqualTo("IN_REVIEW"));
        assertThat(jdbc.sql("select reject_reason from samples where id = :id").param("id", matching.get(1)).query(String.class).single())
                .isEqualTo("ARTIFACTS");
        assertThat(fixtures.outboxEvents(matching.get(1))).isEqualTo(2); // the fixture's, and the decision's
        List<String> audit = jdbc.sql("select action || ' ' || after::text from audit_log where actor_name = 'alice' order by id")
                .query(String.class).list();
        assertThat(audit).singleElement().asString().startsWith("review.batch ").contains("\\\"" + word + "\\\" (words only)")
                .contains("\"matched\": 3").contains("\"decision\": \"REJECT\"");

        DecisionBatch undoing = batches.undo(alice, batch.id());
        assertThat(undoing.state()).isIn(DecisionBatch.State.UNDOING, DecisionBatch.State.UNDONE);
        DecisionBatch undone = awaitState(batch.id(), DecisionBatch.State.UNDONE);

        assertThat(undone.undone()).isEqualTo(2);
        assertThat(fixtures.status(matching.get(1))).isEqualTo("IN_REVIEW");
        assertThat(fixtures.status(matching.get(2))).isEqualTo("IN_REVIEW");
        assertThat(fixtures.status(matching.get(0))).as("bob's decision stays").isEqualTo("ACCEPTED");
        assertThat(jdbc.sql("select count(*) from reviews where reviewer_id = (select id from users where username = 'alice') and undone_at is null")
                .query(Long.class).single()).isZero();
        assertThatThrownBy(() -> batches.undo(alice, batch.id())).isInstanceOf(IllegalStateException.class).hasMessageContaining("UNDONE");
    }

    @Test
    void aCountThatChangedIsRefusedAndNothingIsDecided() {
        String word = "okapi" + (System.nanoTime() % 100000);
        List<Long> ids = indexed(word, 2, "Give the " + word + " a neon glow");
        awaitIndexed(SearchRequest.text(null), ids, "IN_REVIEW");
        signIn(alice, Role.CURATOR);

        assertThatThrownBy(() -> batches.create(alice, new NewDecisionBatch(SearchRequest.text(word), null,
                ReviewDecision.ACCEPT, null, null, 5L)))
                .isInstanceOfSatisfying(BatchCountChangedException.class, e -> assertThat(e.matches()).isEqualTo(2));
        assertThat(jdbc.sql("select count(*) from decision_batches").query(Long.class).single()).isZero();
        assertThat(ids).allSatisfy(id -> assertThat(fixtures.status(id)).isEqualTo("IN_REVIEW"));
    }

    @Test
    void aBatchWhoseServerStoppedIsTakenOverAtItsCursorAndDecidesNothingTwice() {
        List<Long> ids = List.of(fixtures.sampleInReview(0.7), fixtures.sampleInReview(0.7), fixtures.sampleInReview(0.7));
        long aliceId = jdbc.sql("select id from users where username = 'alice'").query(Long.class).single();
        // what a server that died after its first page left: a review for the first sample, the cursor on it
        long review = jdbc.sql("insert into reviews (sample_id, reviewer_id, decision) values (:s, :u, 'ACCEPT') returning id")
                .param("s", ids.get(0)).param("u", aliceId).query(Long.class).single();
        jdbc.sql("update samples set status = 'ACCEPTED', decided_at = now() where id = :id").param("id", ids.get(0)).update();
        long batch = jdbc.sql("""
                insert into decision_batches (created_by, query, match, label, decision, matched, state, processed, decided,
                                              cursor_id, lease_owner, lease_expires_at)
                values (:u, '{"text": "cup"}', 'WORDS', '"cup" (words only)', 'ACCEPT', 3, 'RUNNING', 1, 1, :cursor,
                        'batches-of-a-server-that-died', now() - interval '1 second')
                returning id""").param("u", aliceId).param("cursor", ids.get(0)).query(Long.class).single();
        jdbc.sql("insert into decision_batch_samples (batch_id, sample_id, outcome, review_id) values (:b, :s, 'DECIDED', :r)")
                .param("b", batch).param("s", ids.get(0)).param("r", review).update();
        for (long id : ids.subList(1, 3)) {
            jdbc.sql("insert into decision_batch_samples (batch_id, sample_id) values (:b, :s)").param("b", batch).param("s", id).update();
        }

        worker.wake();
        signIn(alice, Role.CURATOR);
        DecisionBatch done = awaitState(batch, DecisionBatch.State.DONE);

        assertThat(done.processed()).isEqualTo(3);
        assertThat(done.decided()).isEqualTo(3);
        assertThat(ids).allSatisfy(id -> {
            assertThat(fixtures.status(id)).isEqualTo("ACCEPTED");
            assertThat(jdbc.sql("select count(*) from reviews where sample_id = :id").param("id", id).query(Long.class).single())
                    .isEqualTo(1);
        });
    }

    @Test
    void restDecidesUndoesAndRunsBatchesWithTheDashboardsRolesAndProblemDetails() throws Exception {
        String word = "narwhal" + (System.nanoTime() % 100000);
        List<Long> ids = indexed(word, 2, "Make the " + word + " glow");
        awaitIndexed(SearchRequest.text(null), ids, "IN_REVIEW");

        HttpResponse<String> next = call("POST", "/api/curation/next", null, alice);
        assertThat(next.statusCode()).isEqualTo(200);
        long leased = new tools.jackson.databind.ObjectMapper().readTree(next.body()).path("sampleId").asLong();
        assertThat(next.body()).contains("\"leaseExpiresAt\"");
        HttpResponse<String> noReason = call("POST", "/api/curation/samples/" + leased + "/decision", "{\"decision\": \"REJECT\"}", alice);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(noReason.body()).contains("needs a reason code");
        HttpResponse<String> viewer = call("POST", "/api/curation/samples/" + leased + "/decision", "{\"decision\": \"ACCEPT\"}", "victor");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(viewer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> accepted = call("POST", "/api/curation/samples/" + leased + "/decision", "{\"decision\": \"ACCEPT\"}", alice);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).contains("\"statusAfter\":\"ACCEPTED\"");
        HttpResponse<String> twice = call("POST", "/api/curation/samples/" + leased + "/decision", "{\"decision\": \"ACCEPT\"}", bob);
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.body()).contains("no longer in review");
        HttpResponse<String> undo = call("POST", "/api/curation/undo", null, alice);
        assertThat(undo.statusCode()).isEqualTo(200);
        assertThat(fixtures.status(leased)).isEqualTo("IN_REVIEW");
        HttpResponse<String> nothing = call("POST", "/api/curation/undo", null, bob);
        assertThat(nothing.statusCode()).isEqualTo(404);
        assertThat(nothing.body()).contains("no decision left to undo");

        String query = "{\"query\": {\"text\": \"" + word + "\"}, \"decision\": \"ACCEPT\"";
        HttpResponse<String> count = call("POST", "/api/curation/batches/count", "{\"query\": {\"text\": \"" + word + "\"}}", alice);
        assertThat(count.body()).isEqualTo("{\"matches\":2,\"match\":\"WORDS\"}");
        HttpResponse<String> wrong = call("POST", "/api/curation/batches", query + ", \"expectedCount\": 7}", alice);
        assertThat(wrong.statusCode()).isEqualTo(409);
        assertThat(wrong.body()).contains("\"matches\":2").contains("confirm 2");
        HttpResponse<String> viewerBatch = call("POST", "/api/curation/batches", query + ", \"expectedCount\": 2}", "victor");
        assertThat(viewerBatch.statusCode()).isEqualTo(403);
        HttpResponse<String> created = call("POST", "/api/curation/batches", query + ", \"expectedCount\": 2}", alice);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        long batch = new tools.jackson.databind.ObjectMapper().readTree(created.body()).path("id").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/curation/batches/" + batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/curation/batches/" + batch, null, "victor").body()
                .contains("\"state\":\"DONE\""));
        assertThat(ids).allSatisfy(id -> assertThat(fixtures.status(id)).isEqualTo("ACCEPTED"));
        assertThat(call("POST", "/api/curation/batches/" + batch + "/undo", null, bob).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/curation/batches/" + batch + "/undo", null, alice).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/curation/batches/" + batch, null, alice).body()
                .contains("\"state\":\"UNDONE\""));
        assertThat(ids).allSatisfy(id -> assertThat(fixtures.status(id)).isEqualTo("IN_REVIEW"));
        HttpResponse<String> missing = call("GET", "/api/curation/batches/987654321", null, alice);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/curation/batches"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            // never a Basic challenge, which would make a browser cache credentials (see docs/security.md)
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"Ditto\"");
            assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(anonymous.body()).contains("HTTP Basic");
        }

        HttpResponse<String> newUser = call("POST", "/api/admin/users",
                "{\"username\": \"carol" + (System.nanoTime() % 100000) + "\", \"password\": \"long-enough-1\", \"role\": \"VIEWER\"}", "admin");
        assertThat(newUser.statusCode()).as(newUser.body()).isEqualTo(201);
        long carol = new tools.jackson.databind.ObjectMapper().readTree(newUser.body()).path("id").asLong();
        assertThat(newUser.body()).doesNotContain("password");
        HttpResponse<String> promoted = call("PUT", "/api/admin/users/" + carol + "/role", "{\"role\": \"CURATOR\"}", "admin");
        assertThat(promoted.statusCode()).isEqualTo(200);
        assertThat(promoted.body()).contains("\"role\":\"CURATOR\"");
        HttpResponse<String> byCurator = call("PUT", "/api/admin/users/" + carol + "/role", "{\"role\": \"ADMIN\"}", alice);
        assertThat(byCurator.statusCode()).isEqualTo(403);
        assertThat(byCurator.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> badRole = call("PUT", "/api/admin/users/" + carol + "/role", "{\"role\": \"OWNER\"}", "admin");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(badRole.body()).contains("VIEWER, CURATOR or ADMIN");
    }

    private DecisionBatch awaitState(long id, DecisionBatch.State state) {
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> batches.find(id).orElseThrow().state(), s -> s == state);
        return batches.find(id).orElseThrow();
    }

    private HttpResponse<String> call(String method, String path, String json, String user) throws Exception {
        return CurationFixtures.call(port, method, path, json, user);
    }
}
