package dev.ditto.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.Verdict;
import dev.ditto.agent.llm.FakeOpenAiServer;
import dev.ditto.agent.writer.InstructionWriter;
import dev.ditto.audit.AuditLog;
import dev.ditto.campaigns.AgentEngines;
import dev.ditto.campaigns.AgentSettings;
import dev.ditto.campaigns.GenerateSettings;
import dev.ditto.protocol.EditSpec;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.sources.SourceService;
import dev.ditto.sources.SourceSettings;
import dev.ditto.testing.DittoIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/**
 * Settings in force without a restart (against a local server speaking OpenAI chat completions), and API keys
 * encrypted at rest and never answered over REST.
 */
@DittoIntegrationTest
class LiveSettingsIT {
    private static final String SECRET = "sk-live-secret-0123456789";

    @Autowired SettingsService settings;
    @Autowired LiveSettings live;
    @Autowired AgentEngines engines;
    @Autowired InstructionWriter writer;
    @Autowired Judge judge;
    @Autowired SourceService sources;
    @Autowired JdbcClient jdbc;
    @Autowired AuditLog audit;
    @Autowired ObjectMapper json;
    @Autowired dev.ditto.campaigns.GenerateBackendSettings generate;
    @LocalServerPort int port;
    @Value("${ditto.data-dir}") Path dataDir;

    private FakeOpenAiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
    }

    @AfterEach
    void cleanUp() {
        for (Setting s : settings.all()) {
            settings.reset(s);
        }
        server.close();
    }

    @Test
    void aModelServerSavedInSettingsWritesTheNextInstructionsWithoutARestart() {
        assertThat(writer.engine()).isEqualTo("builtin-grammar");
        server.reply(new FakeOpenAiServer.Content("{\"instructions\":[{\"category\":\"global_style\",\"instruction\":"
                + "\"Repaint the street as a thick impasto oil painting.\",\"op\":\"style\",\"style\":\"oil_paint\",\"strength\":0.9}]}"));

        settings.set(AgentSettings.TEXT_BASE_URL, server.baseUrl());
        settings.set(AgentSettings.TEXT_API_KEY, SECRET);
        settings.set(AgentSettings.TEXT_MODEL, "live-writer");

        List<InstructionDraft> drafts = writer.write(aStreet(), CategoryMix.defaultMix(), 1, 7);
        assertThat(drafts).singleElement().satisfies(d -> assertThat(d.model()).isEqualTo("live-writer"));
        assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.path("model").asText()).isEqualTo("live-writer"));
        assertThat(server.authorizations()).containsExactly("Bearer " + SECRET);
        assertThat(live.inEffect(AgentSettings.TEXT_MODEL)).isTrue();
        assertThat(live.status().line("in-force-writer").orElseThrow()).contains("live-writer").contains(server.baseUrl()).doesNotContain(SECRET);

        settings.reset(AgentSettings.TEXT_MODEL);

        assertThat(writer.engine()).as("back to the built-in grammar at once").isEqualTo("builtin-grammar");
        assertThat(live.status().line("in-force-writer")).contains("Instruction writer: built-in taxonomy grammar");
    }

    @Test
    void aJudgeModelSavedInSettingsJudgesTheNextSampleWithoutARestart() throws Exception {
        assertThat(judge.engine()).isEqualTo("builtin-metric-judge");
        server.reply(new FakeOpenAiServer.Content(java.util.stream.Stream.of("instructionFollowing", "preservation",
                        "visualQuality", "temporalConsistency", "safety")
                .map(criterion -> "\"" + criterion + "\":{\"score\":0.9,\"reason\":\"fine\"}")
                .collect(java.util.stream.Collectors.joining(",", "{", "}"))));

        settings.set(AgentSettings.VISION_BASE_URL, server.baseUrl());
        settings.set(AgentSettings.VISION_MODEL, "live-judge");
        Verdict verdict = judge.judge(new JudgeInput("sample-1", "Make it night.",
                new EditSpec("grade", Map.of("grade", "night", "strength", 0.9), 3, "Make it night."), png(), png(), Map.of()));

        assertThat(verdict.model()).isEqualTo("live-judge");
        assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.path("model").asText()).isEqualTo("live-judge"));
        assertThat(live.status().line("in-force-judge").orElseThrow()).contains("live-judge");
    }

    @Test
    void thresholdsAndTheNormalisationFormatApplyAtOnce() {
        settings.set(AgentSettings.JUDGE_MIN_OVERALL, "0.8");
        settings.set(AgentSettings.NEAR_DUPLICATE_SIMILARITY, "0.85");
        settings.set(SourceSettings.FORMAT_FRAMES, "49");
        settings.set(SourceSettings.MAX_UPLOAD_MB, "16");

        assertThat(engines.properties().judgeMinOverall()).isEqualTo(0.8);
        assertThat(engines.properties().nearDuplicateSimilarity()).isEqualTo(0.85);
        assertThat(sources.properties().format().frames()).isEqualTo(49);
        assertThat(sources.properties().maxUploadMb()).isEqualTo(16);
        assertThat(live.inEffect()).containsValue(true).doesNotContainValue(false);

        settings.reset(SourceSettings.FORMAT_FRAMES);
        assertThat(sources.properties().format().frames()).isEqualTo(73);
    }

    @Test
    void comfyUiSettingsSavedInSettingsTravelWithTheNextGenerateJobs() {
        assertThat(generate.forNewJob()).as("none configured: runners use their own options").isNull();

        settings.set(GenerateSettings.GENERATE_BACKEND, " route=chain ;vace.steps=20\neditto-wrapper.vace_model=ditto_global_style_comfy.safetensors ");

        assertThat(generate.forNewJob()).containsExactly(Map.entry("route", "chain"), Map.entry("vace.steps", "20"),
                Map.entry("editto-wrapper.vace_model", "ditto_global_style_comfy.safetensors"));
        assertThat(settings.get(GenerateSettings.GENERATE_BACKEND).value()).as("stored in one normal form")
                .isEqualTo("route=chain; vace.steps=20; editto-wrapper.vace_model=ditto_global_style_comfy.safetensors");
        assertThat(live.inEffect(GenerateSettings.GENERATE_BACKEND)).isTrue();
        assertThatThrownBy(() -> settings.set(GenerateSettings.GENERATE_BACKEND, "route=sideways"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("route must be one of editto, editto-wrapper, chain");
        assertThatThrownBy(() -> settings.set(GenerateSettings.GENERATE_BACKEND, "vace.steps"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not key=value");

        settings.reset(GenerateSettings.GENERATE_BACKEND);
        assertThat(generate.forNewJob()).isNull();
    }

    @Test
    void aChangeMadeOnAnotherServerIsPickedUpByThePeriodicCheck() {
        jdbc.sql("insert into settings (key, value, updated_by) values ('agent.judge-min-overall', '0.65', 'other-server')").update();
        live.pickUpChangesFromOtherServers();

        assertThat(engines.properties().judgeMinOverall()).isEqualTo(0.65);
        assertThat(live.inEffect(AgentSettings.JUDGE_MIN_OVERALL)).isTrue();
    }

    @Test
    void aValueAFeatureCannotApplyLeavesItsPreviousValuesInForceAndSaysWhyWhileOtherFeaturesApplyTheirs() {
        // another server (or an older version) stored a frame count that is no valid format: ingest refuses it
        jdbc.sql("insert into settings (key, value, updated_by) values ('sources.frames', '72', 'other-server'),"
                + " ('agent.judge-min-overall', '0.6', 'other-server')").update();
        live.pickUpChangesFromOtherServers();

        assertThat(sources.properties().format().frames()).as("the previous format stays").isEqualTo(73);
        assertThat(engines.properties().judgeMinOverall()).as("the agent applies its own").isEqualTo(0.6);
        LiveSettings.Status status = live.status();
        assertThat(status.sections()).filteredOn(s -> s.name().equals("Ingest")).singleElement()
                .satisfies(s -> assertThat(s.error()).startsWith("The format and upload settings could not be applied (")
                        .contains("4n+1").endsWith("the previous ones stay in force."));
        assertThat(status.sections()).filteredOn(s -> s.name().equals("Agent")).singleElement()
                .satisfies(s -> assertThat(s.error()).isNull());
        assertThat(live.inEffect(SourceSettings.FORMAT_FRAMES)).isFalse();
        assertThat(live.inEffect(SourceSettings.MAX_UPLOAD_MB)).as("the whole feature's values wait").isFalse();
        assertThat(live.inEffect(AgentSettings.JUDGE_MIN_OVERALL)).isTrue();

        jdbc.sql("delete from settings where key = 'sources.frames'").update();
        live.pickUpChangesFromOtherServers();
        assertThat(live.status().errors()).isEmpty();
        assertThat(live.inEffect(SourceSettings.FORMAT_FRAMES)).isTrue();
    }

    @Test
    void anApiKeyIsEncryptedAtRestAndRestNeverAnswersIt() throws Exception {
        ReleaseApi api = new ReleaseApi(port, json);

        ReleaseApi.Response put = api.put("/api/admin/settings/agent.vision.api-key", java.util.Map.of("value", SECRET));
        ReleaseApi.Response list = api.get("/api/admin/settings");

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body()).doesNotContain(SECRET);
        assertThat(put.json().path("set").asBoolean()).isTrue();
        assertThat(put.json().path("value").asString()).isEqualTo(SettingValue.MASK);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(SECRET).contains("agent.vision.api-key");
        assertThat(list.json().path("inForce").path("sections")).anySatisfy(section -> {
            assertThat(section.path("name").asString()).isEqualTo("Agent");
            assertThat(section.path("keys").toString()).contains("agent.vision.api-key");
            assertThat(section.path("inForce").toString()).contains("in-force-judge");
        });
        String stored = jdbc.sql("select value from settings where key = 'agent.vision.api-key'").query(String.class).single();
        assertThat(stored).startsWith(SecretCipher.PREFIX).doesNotContain(SECRET);
        assertThat(settings.storedValues()).containsEntry("agent.vision.api-key", SECRET);
        assertThat(audit.recent(20, 0)).noneSatisfy(e -> assertThat(e.before() + " " + e.after()).contains(SECRET));
        Path keyFile = dataDir.resolve("settings-secret.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

        ReleaseApi.Response cleared = api.put("/api/admin/settings/agent.vision.api-key", java.util.Map.of("value", ""));
        assertThat(cleared.json().path("set").asBoolean()).isFalse();
        assertThat(api.put("/api/admin/settings/no.such", java.util.Map.of("value", "1")).status()).isEqualTo(400);
        assertThat(new ReleaseApi(port, json, "nobody", "wrong").get("/api/admin/settings").status()).isEqualTo(401);
    }

    @Test
    void aKeyStoredInClearBeforeEncryptionIsEncryptedAtStartUp() {
        jdbc.sql("insert into settings (key, value, updated_by) values ('agent.text.api-key', 'sk-legacy-plain', 'old-server')").update();

        assertThat(settings.encryptPlaintextSecrets()).isEqualTo(1);

        String stored = jdbc.sql("select value from settings where key = 'agent.text.api-key'").query(String.class).single();
        assertThat(stored).startsWith(SecretCipher.PREFIX).doesNotContain("sk-legacy-plain");
        assertThat(settings.storedValues()).containsEntry("agent.text.api-key", "sk-legacy-plain");
        assertThat(settings.get(AgentSettings.TEXT_API_KEY).value()).isEqualTo(SettingValue.MASK);
    }

    private static byte[] png() throws java.io.IOException {
        var image = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static SourceFacts aStreet() {
        return new SourceFacts("42", "a street with cars and a woman walking", List.of("street", "woman"), 0.8, 1, 2.5, 0,
                List.of("#808080"), List.of("street"));
    }
}
