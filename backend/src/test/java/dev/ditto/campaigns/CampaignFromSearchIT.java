package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.audit.AuditLog;
import dev.ditto.outbox.Outbox;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.search.OutboxIndexer;
import dev.ditto.search.SampleFixtures;
import dev.ditto.testing.DittoIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Campaigns started from a search, over REST: a search over sources (name, caption, tags) or over samples (the
 * sources of its results), resolved once at start so the campaign runs on exactly those sources.
 */
@DittoIntegrationTest
// the test drives the indexer itself; a scheduled drain would race it for the same outbox rows
@TestPropertySource(properties = "ditto.search.indexer.enabled=false")
class CampaignFromSearchIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired ApplicationContext context;
    @Autowired ObjectMapper json;
    @Autowired AuditLog audit;
    @LocalServerPort int port;

    private SampleFixtures fixtures;
    private ReleaseApi api;
    private String marker;

    @BeforeEach
    void setUp() {
        fixtures = new SampleFixtures(jdbc, outbox);
        api = new ReleaseApi(port, json);
        marker = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void aSourceSearchStartsACampaignOnExactlyTheSourcesWhoseTextHasEveryWord() throws Exception {
        var beach = fixtures.aSource("a dog runs along a sandy beach at sunset " + marker, "outdoor");
        var taggedBeach = fixtures.aSource("waves at dusk " + marker, "beach", "sunset");
        fixtures.aSource("a man cycles down a city street at sunset " + marker, "urban");
        var setAside = fixtures.aSource("the same beach at sunset again " + marker, "outdoor");
        jdbc.sql("update sources set status = 'DUPLICATE', duplicate_of = :k where id = :id")
                .param("k", beach.id()).param("id", setAside.id()).update();

        var started = api.post("/api/campaigns", Map.of("name", "beaches", "perSource", 1, "seed", 3,
                "sourceSearch", "BEACH sunset " + marker));

        assertThat(started.status()).as(started.body()).isEqualTo(201);
        assertThat(started.json().path("sources").asInt()).isEqualTo(2);
        JsonNode selection = selection(started.json().path("id").asLong());
        assertThat(ids(selection.path("sourceIds"))).containsExactly(beach.id(), taggedBeach.id());
        assertThat(selection.path("sourceSearch").asString()).isEqualTo("BEACH sunset " + marker);
        assertThat(audit.recent(20, 0)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("campaign.start");
            assertThat(e.entityId()).isEqualTo(started.json().path("id").asString());
            assertThat(e.after()).contains("BEACH sunset " + marker);
        });
        assertThat(ids(api.get("/api/sources?q=" + marker + "%20beach").json(), "id"))
                .as("GET /api/sources?q= lists every match, set-aside ones too")
                .containsExactlyInAnyOrder(beach.id(), taggedBeach.id(), setAside.id());
    }

    @Test
    void aSampleSearchStartsACampaignOnTheSourcesOfItsResults() throws Exception {
        var street = fixtures.aSource("a man cycles down a city street");
        var field = fixtures.aSource("children playing football on a green field");
        var beach = fixtures.aSource("a dog runs along a sandy beach");
        var cafe = fixtures.aSource("a woman reads a book in a cafe");
        fixtures.aSample(street, "Cover the street with fresh snow").tagged(marker).build();
        fixtures.aSample(street, "Make it a rainy evening").tagged(marker).build();
        fixtures.aSample(beach, "Add a snowman on the sand").category("LOCAL_ADD").tagged(marker).build();
        fixtures.aSample(field, "Turn the season to winter with snow falling").tagged(marker).build();
        fixtures.aSample(cafe, "Cover the cafe with snow").build(); // not among the results: no marker tag
        jdbc.sql("update sources set status = 'ARCHIVED' where id = :id").param("id", field.id()).update();
        SampleFixtures.indexEverything(indexer, context);

        var started = api.post("/api/campaigns", Map.of("name", "from search", "perSource", 2, "seed", 1,
                "sampleSearch", Map.of("tags", List.of(marker))));

        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode selection = selection(started.json().path("id").asLong());
        assertThat(ids(selection.path("sourceIds"))).as("the results' sources, the archived one left out")
                .containsExactly(street.id(), beach.id());
        assertThat(selection.path("sampleSearch").path("tags").get(0).asString()).isEqualTo(marker);

        var narrowed = api.post("/api/campaigns", Map.of("name", "local adds", "perSource", 1, "seed", 1,
                "sourceIds", List.of(cafe.id()),
                "sampleSearch", Map.of("tags", List.of(marker), "categories", List.of("LOCAL_ADD"))));
        assertThat(ids(selection(narrowed.json().path("id").asLong()).path("sourceIds")))
                .as("hand-picked sources first, then the search's").containsExactly(cafe.id(), beach.id());
    }

    @Test
    void aSearchThatFindsNoSourceIsRefusedWithTheReason() throws Exception {
        var refused = api.post("/api/campaigns", Map.of("name", "nothing", "perSource", 1, "seed", 0,
                "sourceSearch", "no-such-words-" + marker));
        var empty = api.post("/api/campaigns", Map.of("name", "nothing", "perSource", 1, "seed", 0));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asString()).contains("finds no sources");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("error").asString()).contains("sourceSearch or sampleSearch");
    }

    private JsonNode selection(long campaignId) {
        return json.readTree(jdbc.sql("select selection::text from campaigns where id = :id").param("id", campaignId)
                .query(String.class).single());
    }

    private static List<Long> ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }

    private static List<Long> ids(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asLong()).toList();
    }
}
