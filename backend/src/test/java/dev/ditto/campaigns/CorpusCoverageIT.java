package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.Category;
import dev.ditto.outbox.Outbox;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.search.SampleFixtures;
import dev.ditto.testing.DittoIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Coverage of the whole corpus: category shares against the target, operators by source tag with the ones never
 * tried named, and "fill the gaps" starting a campaign of the under-target categories on the least covered sources.
 */
@DittoIntegrationTest
class CorpusCoverageIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired CorpusCoverage coverage;
    @Autowired ObjectMapper json;
    @Autowired dev.ditto.agent.diversity.Embedder embedder;
    @LocalServerPort int port;

    @BeforeEach
    void empty() {
        // the search indexer may still be reading the previous test's samples: a deadlock with it is retried
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .ignoreException(org.springframework.dao.PessimisticLockingFailureException.class)
                .until(() -> jdbc.sql("truncate campaigns, instructions, samples, source_assets, sources, outbox cascade")
                        .update() >= 0);
    }

    @Test
    void sharesGapsAndTheFillCampaignFollowWhatWasWritten() throws Exception {
        SampleFixtures fixtures = new SampleFixtures(jdbc, outbox);
        long people = fixtures.aSource("people walk in a street " + UUID.randomUUID(), "people").id();
        long still = fixtures.aSource("a still life " + UUID.randomUUID(), "static").id();
        for (int i = 0; i < 8; i++) {
            instruction(people, "GLOBAL_STYLE", "style");
        }
        instruction(people, "LOCAL_ADD", "add_sign");
        instruction(still, "GLOBAL_STYLE", "style");

        CorpusCoverage.Coverage c = coverage.coverage(100);
        assertThat(c.instructions()).isEqualTo(10);
        CorpusCoverage.CategoryShare style = c.categories().stream().filter(s -> s.category() == Category.GLOBAL_STYLE)
                .findFirst().orElseThrow();
        assertThat(style.share()).isEqualTo(0.9);
        assertThat(style.underTarget()).isFalse();
        assertThat(c.operatorsBySourceType().get("people")).containsEntry("style", 8L).containsEntry("add_sign", 1L);
        assertThat(c.gaps()).anyMatch(g -> g.startsWith("global freeform: 0% of the corpus (0), target 30%"));
        assertThat(c.gaps()).contains("never tried on static sources: add_sign");
        assertThat(c.map()).hasSize(10);

        JsonNode started = new ReleaseApi(port, json).post("/api/campaigns/fill-gaps", Map.of("perSource", 2, "sources", 1)).json();
        Map<String, Double> mix = json.readValue(started.path("categoryMix").toString(),
                new tools.jackson.core.type.TypeReference<Map<String, Double>>() {});
        // style is over target: it gets only the small share every empty region's category gets (no instruction
        // here is about a particular style)
        assertThat(mix.get("GLOBAL_STYLE")).isEqualTo(CorpusCoverage.EMPTY_REGION_SHARE);
        assertThat(mix).containsKey("GLOBAL_FREEFORM").containsKey("LOCAL_REMOVE");
        assertThat(mix.get("GLOBAL_FREEFORM")).isGreaterThan(mix.get("LOCAL_REMOVE"));
        assertThat(started.path("advice").toString()).contains("gap: global freeform");
        long campaign = started.path("id").asLong();
        String selection = jdbc.sql("select selection::text from campaigns where id = :id").param("id", campaign).query(String.class).single();
        assertThat(json.readTree(selection).path("sourceIds").get(0).asLong()).as("the least covered source").isEqualTo(still);
    }

    @Test
    void emptyRegionsAreTheEditsNothingWrittenComesNear() throws Exception {
        SampleFixtures fixtures = new SampleFixtures(jdbc, outbox);
        long source = fixtures.aSource("a street " + UUID.randomUUID(), "people").id();
        // a clip in the training format, as a PROBE stores it (the campaign's GENERATE jobs are made for it)
        jdbc.sql("update source_assets set width = 832, height = 480, frames = 73, fps = 20 where source_id = :s and kind = 'CLIP'")
                .param("s", source).update();
        List<String> written = List.of("Repaint the whole clip as a soft watercolour painting",
                "Make the scene look like a watercolor artwork with bleeding colours",
                "Turn this footage into a delicate watercolour illustration",
                "Make it night time with dark blue shadows", "Shift the scene to a moonlit night",
                "Blur everything behind the woman", "Remove the man walking on the left");
        for (String text : written) {
            instruction(source, "GLOBAL_STYLE", "style", text, embedder.embed(text));
        }

        CorpusCoverage.Coverage c = coverage.coverage(0);
        Map<String, CorpusCoverage.Region> regions = new java.util.HashMap<>();
        c.regions().forEach(r -> regions.put(r.concept().name(), r));
        assertThat(regions.get("watercolour").near()).as("three watercolour instructions").isGreaterThanOrEqualTo(3);
        assertThat(regions.get("night").empty()).as(c.regions().toString()).isFalse();
        assertThat(regions.get("background blur").empty()).as(c.regions().toString()).isFalse();
        assertThat(regions.get("person remove").empty()).as(c.regions().toString()).isFalse();
        assertThat(regions.get("pixel art").empty()).as(c.regions().toString()).isTrue();
        assertThat(regions.get("add snowfall").empty()).as(c.regions().toString()).isTrue();
        assertThat(regions.get("stylize").near()).as("watercolour instructions belong to watercolour").isZero();
        String gap = c.gaps().stream().filter(g -> g.startsWith("empty regions")).findFirst().orElseThrow();
        assertThat(gap).contains("pixel art", "add snowfall", "sepia").doesNotContain("watercolour", "night,");

        // "fill the gaps" aims at the empty regions: the writer is told to prefer them, and the campaign writes them
        JsonNode started = new ReleaseApi(port, json).post("/api/campaigns/fill-gaps", Map.of("perSource", 8, "sources", 1)).json();
        assertThat(started.path("advice").toString()).contains("writer: prefer style=pixel_art: empty region of the corpus (pixel art)")
                .doesNotContain("prefer style=watercolour");
        long campaign = started.path("id").asLong();
        String status = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> jdbc.sql("select status from campaigns where id = :id").param("id", campaign)
                        .query(String.class).single(), s -> s.equals("DONE") || s.equals("FAILED"));
        assertThat(status).as(jdbc.sql("select coalesce(error, '') from campaigns where id = :id").param("id", campaign)
                .query(String.class).single()).isEqualTo("DONE");
        List<String> keys = jdbc.sql("""
                select edit_spec ->> 'op' || coalesce('=' || coalesce(edit_spec -> 'params' ->> 'style', edit_spec -> 'params' ->> 'grade'), '')
                from instructions where campaign_id = :id""").param("id", campaign).query(String.class).list();
        assertThat(keys).as("the campaign's edits").hasSize(8);
        long inEmptyRegions = keys.stream().filter(k -> c.regions().stream()
                .anyMatch(r -> r.empty() && r.concept().key().equals(k))).count();
        assertThat(inEmptyRegions).as("edits in regions that were empty, of " + keys).isGreaterThanOrEqualTo(4);
    }

    private void instruction(long source, String category, String op) {
        float[] v = new float[384];
        v[(int) (Math.random() * 384)] = 1;
        instruction(source, category, op, "edit " + UUID.randomUUID(), v);
    }

    private void instruction(long source, String category, String op, String text, float[] v) {
        long clip = jdbc.sql("select id from source_assets where source_id = :s and kind = 'CLIP' limit 1").param("s", source)
                .query(Long.class).single();
        Float[] boxed = new Float[384];
        for (int i = 0; i < 384; i++) {
            boxed[i] = v[i];
        }
        jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, embedding)
                values (:s, :c, :cat, :t, cast(:spec as jsonb), 'grammar', 'builtin', 'v1', :e)""")
                .param("s", source).param("c", clip).param("cat", category).param("t", text)
                .param("spec", "{\"op\": \"" + op + "\", \"params\": {}, \"seed\": 1, \"prompt\": \"p\"}").param("e", boxed).update();
    }
}
