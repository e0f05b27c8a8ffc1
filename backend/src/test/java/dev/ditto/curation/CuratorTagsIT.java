package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;

/** Curators tag samples in bulk: PostgreSQL first, the index through the outbox, every change in the audit log. */
@DittoIntegrationTest
class CuratorTagsIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired CuratorTags tags;
    @Autowired SampleSearch search;
    @LocalServerPort int port;

    CurationFixtures fixtures;
    String alice;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        alice = fixtures.user("alice", Role.CURATOR);
        fixtures.user("victor", Role.VIEWER);
    }

    @AfterEach
    void tearDown() {
        signOut();
    }

    @Test
    void addingATagChangesEverySampleOnceWithAnOutboxEventAndAnAuditEntryEach() {
        long a = fixtures.sampleInReview(0.8);
        long b = fixtures.sampleInReview(0.7);
        signIn(alice, Role.CURATOR);

        TagResult result = tags.tagAll(alice, List.of(a, b, 999_999_999L), List.of("  Night Sky "), List.of());

        assertThat(result.changed()).containsOnlyKeys(a, b);
        assertThat(result.changed().get(a)).containsExactly("night sky");
        assertThat(result.missing()).containsExactly(999_999_999L);
        assertThat(sampleTags(a)).containsExactly("night sky");
        assertThat(fixtures.outboxEvents(a)).isEqualTo(1);
        assertThat(fixtures.audit(b)).singleElement().satisfies(row -> {
            assertThat(row.action()).isEqualTo("sample.tags");
            assertThat(row.actor()).isEqualTo(alice);
            assertThat(row.before()).isEqualTo("{\"tags\": []}");
            assertThat(row.after()).isEqualTo("{\"tags\": [\"night sky\"]}");
        });
    }

    @Test
    void taggingAgainChangesNothingAndRemovingKeepsTheOtherTagsInOrder() {
        long a = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        tags.tagAll(alice, List.of(a), List.of("dusk", "keep", "city"), List.of());

        TagResult again = tags.tagAll(alice, List.of(a), List.of("keep"), List.of());
        TagResult removed = tags.tagAll(alice, List.of(a), List.of(), List.of("keep"));

        assertThat(again.changed()).isEmpty();
        assertThat(again.unchanged()).containsExactly(a);
        assertThat(removed.changed().get(a)).containsExactly("dusk", "city");
        assertThat(fixtures.audit(a)).hasSize(2);
        assertThat(fixtures.outboxEvents(a)).isEqualTo(2);
    }

    @Test
    void theIndexFollowsSoASearchByTheTagFindsExactlyTheTaggedSamples() throws InterruptedException {
        long a = fixtures.sampleInReview(0.8);
        long b = fixtures.sampleInReview(0.8);
        fixtures.sampleInReview(0.8);
        String tag = "batch-" + System.nanoTime();
        signIn(alice, Role.CURATOR);

        tags.tagAll(alice, List.of(a, b), List.of(tag), List.of());

        SearchRequest byTag = SearchRequest.text(null).withTags(List.of(tag));
        List<Long> found = List.of();
        for (int i = 0; i < 100 && found.size() < 2; i++) {
            Thread.sleep(100);
            found = search.search(byTag).hits().stream().map(Hit::sampleId).toList();
        }
        assertThat(found).containsExactlyInAnyOrder(a, b);
        assertThat(search.search(SearchRequest.text(tag)).hits()).extracting(Hit::sampleId).contains(a, b);
    }

    @Test
    void viewersCannotTagAndCuratorsCannotTagAsSomeoneElse() {
        long a = fixtures.sampleInReview(0.8);

        signIn("victor", Role.VIEWER);
        assertThatThrownBy(() -> tags.tagAll("victor", List.of(a), List.of("x"), List.of())).isInstanceOf(AccessDeniedException.class);
        signIn(alice, Role.CURATOR);
        assertThatThrownBy(() -> tags.tagAll("victor", List.of(a), List.of("x"), List.of())).isInstanceOf(AccessDeniedException.class);
        assertThat(sampleTags(a)).isEmpty();
    }

    @Test
    void invalidTagsAreRefusedWithTheRule() {
        long a = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);

        assertThatThrownBy(() -> tags.tagAll(alice, List.of(a), List.of("<b>bold</b>"), List.of()))
                .isInstanceOf(InvalidTagException.class).hasMessageContaining("'<b>bold</b>'").hasMessageContaining("a–z, 0–9");
        assertThatThrownBy(() -> tags.tagAll(alice, List.of(a), List.of("x".repeat(41)), List.of()))
                .isInstanceOf(InvalidTagException.class).hasMessageContaining("longer than 40");
        assertThatThrownBy(() -> tags.tagAll(alice, List.of(a), List.of(" "), List.of())).isInstanceOf(InvalidTagException.class);
        assertThatThrownBy(() -> tags.tagAll(alice, List.of(a), List.of("dup"), List.of("DUP")))
                .isInstanceOf(InvalidTagException.class).hasMessageContaining("added and removed");
        assertThatThrownBy(() -> tags.tagAll(alice, List.of(a), List.of(), List.of())).isInstanceOf(InvalidTagException.class);
        assertThat(sampleTags(a)).isEmpty();
        assertThat(fixtures.audit(a)).isEmpty();
    }

    @Test
    void restTaggingTakesJsonAndChecksTheRole() throws Exception {
        long a = fixtures.sampleInReview(0.8);
        String body = "{\"sampleIds\": [" + a + "], \"add\": [\"from-api\"]}";

        HttpResponse<String> curator = post(body, alice, "password-alice");
        HttpResponse<String> viewer = post(body, "victor", "password-victor");
        HttpResponse<String> invalid = post("{\"sampleIds\": [" + a + "], \"add\": [\"Not/Valid\"]}", alice, "password-alice");

        assertThat(curator.statusCode()).isEqualTo(200);
        assertThat(curator.body()).contains("\"changed\":{\"" + a + "\":[\"from-api\"]}");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("Not/Valid").contains("a–z");
        assertThat(sampleTags(a)).containsExactly("from-api");
    }

    private List<String> sampleTags(long sampleId) {
        return List.of(jdbc.sql("select tags from samples where id = :id").param("id", sampleId)
                .query((rs, i) -> (String[]) rs.getArray(1).getArray()).single());
    }

    private HttpResponse<String> post(String json, String user, String password) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/curation/tags"))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }
}
