package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.Category;
import dev.ditto.outbox.Outbox;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.search.SampleFixtures;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
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
 * Curators' rejections shape the next campaign: a category rejected more often than the rest is proposed less
 * weight, with the reason in words, the operators rejected most are named for the writer, and a campaign started
 * with the advice records the mix and the lines it used.
 */
@DittoIntegrationTest
class CampaignAdviceIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired UserService users;
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    long curator;

    @BeforeEach
    void setUp() {
        jdbc.sql("truncate reviews, review_leases cascade").update();
        if (users.findByUsername("advice-curator").isEmpty()) {
            users.create("advice-curator", "password-advice-curator", Role.CURATOR, null);
        }
        curator = jdbc.sql("select id from users where username = 'advice-curator'").query(Long.class).single();
    }

    @Test
    void rejectionsLowerTheirCategorysWeightAndTheCampaignRecordsTheAdviceItUsed() throws Exception {
        for (int i = 0; i < 6; i++) {
            decide(sample("LOCAL_REPLACE", "object_recolour"), i < 4 ? "REJECT" : "ACCEPT", "ARTIFACTS");
        }
        for (int i = 0; i < 10; i++) {
            decide(sample("GLOBAL_STYLE", "style"), i < 1 ? "REJECT" : "ACCEPT", "FLICKER");
        }
        ReleaseApi api = new ReleaseApi(port, json);

        JsonNode advice = api.get("/api/campaigns/advice?last=500&minDecisions=3").json();
        assertThat(advice.path("basedOn").asInt()).isEqualTo(16);
        double before = CategoryMix.defaultMix().targets().get(Category.LOCAL_REPLACE);
        double proposedReplace = advice.path("proposedMix").path("LOCAL_REPLACE").asDouble();
        assertThat(proposedReplace).isLessThan(before);
        assertThat(advice.path("proposedMix").path("GLOBAL_STYLE").asDouble())
                .isGreaterThan(CategoryMix.defaultMix().targets().get(Category.GLOBAL_STYLE));
        assertThat(advice.path("lines").toString()).contains("local replace: 67% of 6 rejected (mostly artifacts): weight");
        assertThat(advice.path("guidance").toString()).contains("avoid object_recolour: 67% of 6 rejected");

        long source = new SampleFixtures(jdbc, outbox).aSource("a cup on a table " + UUID.randomUUID(), "indoor").id();
        List<String> lines = json.readValue(advice.path("lines").toString(), new tools.jackson.core.type.TypeReference<List<String>>() {});
        Map<String, Double> mix = json.readValue(advice.path("proposedMix").toString(),
                new tools.jackson.core.type.TypeReference<Map<String, Double>>() {});
        var started = api.post("/api/campaigns", Map.of("name", "advised", "sourceIds", List.of(source), "perSource", 1,
                "seed", 1, "mix", mix, "advice", lines));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode campaign = api.get("/api/campaigns/" + started.json().path("id").asLong()).json();
        assertThat(campaign.path("categoryMix").path("LOCAL_REPLACE").asDouble()).isEqualTo(proposedReplace);
        assertThat(campaign.path("advice").toString()).contains("local replace: 67% of 6 rejected");
    }

    @Test
    void withoutDecisionsTheMixStaysAndSaysWhy() throws Exception {
        JsonNode advice = new ReleaseApi(port, json).get("/api/campaigns/advice").json();
        assertThat(advice.path("why").asString()).contains("no curator decisions yet");
        assertThat(advice.path("lines")).isEmpty();
    }

    private long sample(String category, String op) {
        String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        long src = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status)
                values ('UPLOAD', 'x.mp4', :k, 1, :k, 'READY') returning id""").param("k", sha).query(Long.class).single();
        long clip = jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type)
                values (:s, 'CLIP', 0, :k, 1, 'video/mp4') returning id""").param("s", src).param("k", "c" + sha)
                .query(Long.class).single();
        long instruction = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                values (:s, :c, :cat, :t, cast(:spec as jsonb), 'grammar', 'builtin', 'v1') returning id""")
                .param("s", src).param("c", clip).param("cat", category).param("t", "edit " + sha)
                .param("spec", "{\"op\": \"" + op + "\", \"params\": {}, \"seed\": 1, \"prompt\": \"p\"}").query(Long.class).single();
        return jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category)
                values (:s, :c, :i, 'IN_REVIEW', :cat) returning id""")
                .param("s", src).param("c", clip).param("i", instruction).param("cat", category).query(Long.class).single();
    }

    private void decide(long sample, String decision, String reason) {
        jdbc.sql("insert into reviews (sample_id, reviewer_id, decision, reason_code) values (:s, :r, :d, :reason)")
                .param("s", sample).param("r", curator).param("d", decision)
                .param("reason", decision.equals("REJECT") ? reason : null).update();
    }
}
