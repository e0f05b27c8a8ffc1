package dev.ditto.search;

import org.springframework.test.context.TestPropertySource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.outbox.Outbox;
import dev.ditto.testing.DittoIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A small real corpus of edit instructions, indexed once, searched many ways. */
@DittoIntegrationTest
// the test drives the indexer itself; a scheduled drain would race it for the same outbox rows
@TestPropertySource(properties = "ditto.search.indexer.enabled=false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchRelevanceIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleIndex index;
    @Autowired SampleSearch search;
    @LocalServerPort int port;

    final Map<String, Long> ids = new HashMap<>();
    long release;

    @BeforeAll
    void indexTheCorpus() throws Exception {
        var fixtures = new SampleFixtures(jdbc, outbox);
        var street = fixtures.aSource("a man cycles down a city street", "urban");
        var field = fixtures.aSource("children playing football on a green field", "sport");
        var beach = fixtures.aSource("a dog runs along a sandy beach at sunset", "outdoor");
        var cafe = fixtures.aSource("a woman reads a book in a cafe", "indoor");
        add(fixtures.aSample(street, "Cover the street with fresh snow").category("GLOBAL_FREEFORM").judged(0.91), "snow-street");
        add(fixtures.aSample(field, "Turn the season to winter with snow falling").category("GLOBAL_FREEFORM").judged(0.88), "winter");
        add(fixtures.aSample(field, "Add a snowman next to the goal").category("LOCAL_ADD").judged(0.7), "snowman");
        add(fixtures.aSample(street, "Make it a rainy evening").category("GLOBAL_FREEFORM").judged(0.65), "rain");
        add(fixtures.aSample(beach, "Render the scene as an oil painting in the style of Van Gogh").judged(0.95)
                .status("ACCEPTED").writtenBy("llm.openai"), "van-gogh");
        add(fixtures.aSample(cafe, "Turn the video into a pencil sketch").judged(0.5).status("REJECTED"), "sketch");
        add(fixtures.aSample(beach, "Replace the dog with a cat").category("LOCAL_REPLACE").judged(0.82)
                .status("ACCEPTED").writtenBy("llm.openai"), "cat");
        add(fixtures.aSample(cafe, "Remove the book from her hands").category("LOCAL_REMOVE").judged(0.6), "book");
        add(fixtures.aSample(beach, "Change the sky to a starry night").category("BACKGROUND").judged(0.77), "sky");
        add(fixtures.aSample(cafe, "Make her jacket bright red").category("LOCAL_ATTRIBUTE").judged(0.84).tagged("colour"), "jacket");
        add(fixtures.aSample(field, "Make the grass look dry and yellow like late summer").category("LOCAL_ATTRIBUTE")
                .judged(0.73).tagged("colour"), "grass");
        add(fixtures.aSample(beach, "Add fireworks above the beach").category("LOCAL_ADD").judged(0.8), "fireworks");
        release = fixtures.release("ditto", "0.1.0", List.of(ids.get("van-gogh"), ids.get("cat")));
        while (indexer.drainOnce().events() > 0) {
            // index everything
        }
        index.refresh();
    }

    private void add(SampleFixtures.SampleBuilder sample, String name) {
        ids.put(name, sample.build());
    }

    @Test
    void snowFindsTheWinterAndSnowInstructionsFirst() {
        SearchPage page = search.search(SearchRequest.text("snow"));

        assertThat(page.hits().subList(0, 3)).extracting(Hit::sampleId)
                .containsExactlyInAnyOrder(ids.get("snow-street"), ids.get("winter"), ids.get("snowman"));
        assertThat(page.hits().getFirst().highlights().get("instruction")).singleElement().asString().contains("<em>snow</em>");
    }

    @Test
    void aQueryWithoutSharedWordsFindsTheMeaningThroughTheVector() {
        assertThat(search.search(SearchRequest.text("blizzard")).hits()).first().extracting(Hit::sampleId)
                .isIn(ids.get("snow-street"), ids.get("winter"), ids.get("snowman"));
        assertThat(search.search(SearchRequest.text("kitten")).hits()).first().extracting(Hit::sampleId)
                .isEqualTo(ids.get("cat"));
    }

    @Test
    void facetsCountCategoriesStatusesAndEnginesOfTheMatches() {
        SearchPage page = search.search(SearchRequest.text(null));

        assertThat(page.total()).isEqualTo(12);
        Facet categories = page.facet("category").orElseThrow();
        assertThat(categories.count("GLOBAL_FREEFORM")).isEqualTo(3);
        assertThat(categories.count("LOCAL_ADD")).isEqualTo(2);
        assertThat(page.facet("status").orElseThrow().count("ACCEPTED")).isEqualTo(2);
        assertThat(page.facet("engines").orElseThrow().count("llm.openai")).isEqualTo(2);
        assertThat(page.facet("tags").orElseThrow().count("colour")).isEqualTo(2);
        assertThat(page.facet("judge_score_histogram").orElseThrow().count("0.9")).isEqualTo(2);
        ScoreSummary judge = page.scoreSummaries().stream().filter(s -> s.field() == ScoreField.JUDGE_OVERALL).findFirst().orElseThrow();
        assertThat(judge.count()).isEqualTo(12);
        assertThat(judge.max()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void filtersNarrowByCategoryStatusScoreEngineAndRelease() {
        assertThat(hitNames(SearchRequest.text(null).withCategories(List.of("LOCAL_ADD")))).containsExactlyInAnyOrder("snowman", "fireworks");
        assertThat(hitNames(SearchRequest.text(null).withStatuses(List.of("ACCEPTED")))).containsExactlyInAnyOrder("van-gogh", "cat");
        assertThat(hitNames(SearchRequest.text(null).withScoreRanges(List.of(ScoreRange.atLeast(ScoreField.JUDGE_OVERALL, 0.85)))))
                .containsExactlyInAnyOrder("snow-street", "winter", "van-gogh");
        assertThat(hitNames(SearchRequest.text(null).withEngines(List.of("llm.openai")))).containsExactlyInAnyOrder("van-gogh", "cat");
        assertThat(hitNames(SearchRequest.text(null).withReleaseIds(List.of(release)))).containsExactlyInAnyOrder("van-gogh", "cat");
        assertThat(hitNames(SearchRequest.text("snow").withCategories(List.of("LOCAL_ADD")))).containsExactly("snowman");
    }

    @Test
    void moreLikeThisReturnsNeighboursButNeverTheSampleItself() {
        SearchPage page = search.search(SearchRequest.similarTo(ids.get("winter")).withSize(3));

        assertThat(page.hits()).extracting(Hit::sampleId).doesNotContain(ids.get("winter"));
        assertThat(page.hits()).extracting(Hit::sampleId).containsAnyOf(ids.get("snow-street"), ids.get("snowman"));
    }

    @Test
    void pagingWithTheCursorVisitsEveryMatchExactlyOnce() {
        for (SearchRequest first : List.of(SearchRequest.text(null).withSize(5), SearchRequest.text("snow").withSize(2),
                SearchRequest.text(null).withSort(SortOrder.JUDGE_SCORE_HIGH).withSize(4))) {
            List<Long> seen = new ArrayList<>();
            SearchPage page = search.search(first);
            seen.addAll(page.hits().stream().map(Hit::sampleId).toList());
            int pages = 1;
            while (page.nextCursor() != null) {
                page = search.search(first.after(page.nextCursor()));
                seen.addAll(page.hits().stream().map(Hit::sampleId).toList());
                assertThat(page.facets()).as("facets come with the first page only").isEmpty();
                pages++;
            }
            assertThat(seen).doesNotHaveDuplicates();
            if (first.text() == null) {
                assertThat(seen).hasSize(12);
            }
            assertThat(pages).isGreaterThan(1);
        }
        List<Long> byJudge = new ArrayList<>();
        SearchPage page = search.search(SearchRequest.text(null).withSort(SortOrder.JUDGE_SCORE_HIGH).withSize(12));
        page.hits().forEach(h -> byJudge.add(h.sampleId()));
        assertThat(byJudge.getFirst()).isEqualTo(ids.get("van-gogh"));
    }

    @Test
    void restSearchAnswersSignedInUsersOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/search?q=snow&category=LOCAL_ADD&size=5");

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> admin = http.send(HttpRequest.newBuilder(uri).header("Authorization", basic("admin", "admin-test-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/search"))
                        .header("Authorization", basic("admin", "admin-test-password")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"kitten\",\"statuses\":[\"ACCEPTED\"],\"size\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("\"sampleId\":" + ids.get("snowman")).contains("Add a snowman next to the goal");
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).contains("\"sampleId\":" + ids.get("cat"));
    }

    @Test
    void restSearchErrorsSayWhatToFixWithTheirStatus() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        java.util.function.Function<String, HttpResponse<String>> post = body -> send(http, HttpRequest.newBuilder(URI.create(base + "/api/search"))
                .header("Authorization", basic("admin", "admin-test-password")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        java.util.function.Function<String, HttpResponse<String>> get = path -> send(http, HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", basic("admin", "admin-test-password")).build());

        HttpResponse<String> emptyRange = post.apply("{\"text\":\"snow\",\"scoreRanges\":[{\"field\":\"JUDGE_OVERALL\",\"min\":0.9,\"max\":0.1}]}");
        HttpResponse<String> notJson = post.apply("{\"text\":");
        HttpResponse<String> foreignCursor = get.apply("/api/search?q=snow&cursor=not-a-cursor-of-ours");
        HttpResponse<String> unknownSample = get.apply("/api/search/similar/987654321");
        HttpResponse<String> wordForSize = get.apply("/api/search?q=snow&size=many");
        HttpResponse<String> unknownSort = get.apply("/api/search?q=snow&sort=SIDEWAYS");

        assertThat(emptyRange.statusCode()).isEqualTo(400);
        assertThat(emptyRange.body()).contains("\"error\"").contains("score range of JUDGE_OVERALL is empty");
        for (HttpResponse<String> r : List.of(emptyRange, notJson, foreignCursor, unknownSample, wordForSize, unknownSort)) {
            // RFC 9457, like every other API error (the message also as "error", as these answered before)
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body()).contains("application/problem+json");
            assertThat(r.body()).as(r.body()).contains("\"detail\"").contains("\"status\":" + r.statusCode());
        }
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");
        assertThat(foreignCursor.statusCode()).isEqualTo(400);
        assertThat(foreignCursor.body()).contains("the paging cursor is not one this server issued");
        assertThat(unknownSample.statusCode()).isEqualTo(404);
        assertThat(unknownSample.body()).contains("sample 987654321 is not in the search index");
        assertThat(wordForSize.statusCode()).isEqualTo(400);
        assertThat(wordForSize.body()).contains("The parameter 'size' must be a whole number, not 'many'");
        assertThat(unknownSort.statusCode()).isEqualTo(400);
        assertThat(unknownSort.body()).contains("The parameter 'sort' must be one of [RELEVANCE, NEWEST");
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> hitNames(SearchRequest request) {
        Map<Long, String> names = new HashMap<>();
        ids.forEach((name, id) -> names.put(id, name));
        return search.search(request.withSize(50)).hits().stream().map(h -> names.get(h.sampleId())).toList();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
