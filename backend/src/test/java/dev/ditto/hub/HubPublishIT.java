package dev.ditto.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.blobs.BlobStore;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.releases.ReleaseFixtures;
import dev.ditto.releases.ReleaseService;
import dev.ditto.settings.SettingsService;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@DittoIntegrationTest
@TestPropertySource(properties = {"ditto.releases.shard-max-bytes=160000", "ditto.hub.retries=1",
        "ditto.hub.retry-backoff-millis=20", "ditto.hub.commit-max-files=4"})
@ExtendWith(OutputCaptureExtension.class)
class HubPublishIT {
    private static final String TOKEN = "hf_TestSecretToken0123456789abcdef";
    private static final FakeHub HUB = startHub();

    @Autowired JdbcClient jdbc;
    @Autowired BlobStore blobs;
    @Autowired ObjectMapper json;
    @Autowired ReleaseService releases;
    @Autowired SettingsService settings;
    @LocalServerPort int port;

    ReleaseApi api;
    ReleaseFixtures fixtures;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) {
        registry.add("ditto.hub.endpoint", HUB::url);
        registry.add("ditto.hub.token", () -> TOKEN);
    }

    private static FakeHub startHub() {
        try {
            return new FakeHub(TOKEN, Files.createTempDirectory("fake-hub-")).thresholds(10L << 20, 16L << 10, 8L << 10);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopHub() {
        HUB.close();
    }

    @BeforeEach
    void setUp() {
        api = new ReleaseApi(port, json);
        fixtures = new ReleaseFixtures(jdbc, blobs);
        jdbc.sql("update samples set status = 'REJECTED' where status = 'ACCEPTED'").update();
        HUB.acceptToken(TOKEN);
        HUB.recover();
    }

    @Test
    void firstPublishThenANewVersionUploadsOnlyWhatChanged() throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a comic book", 0.9);
        fixtures.sample(clip, "GLOBAL_STYLE", "Give the scene a neon, cyberpunk look", 0.85);
        fixtures.sample(clip, "BACKGROUND", "Put the scene on a beach at sunset", 0.8);
        long v1 = build("hub-a", "1.0.0");

        JsonNode first = publish(v1, "org/hub-a");

        assertThat(first.path("state").asString()).as(first.toString()).isEqualTo("DONE");
        assertThat(first.path("commitId").asString()).isEqualTo(HUB.tagCommit("org/hub-a", "v1.0.0"));
        assertThat(first.path("bytesDone").asLong()).isEqualTo(first.path("bytesTotal").asLong());
        assertThat(HUB.commits()).isGreaterThan(1);
        assertRemoteEqualsLocal("org/hub-a", "main", v1);

        Map<String, String> before = manifest(v1);
        HUB.resetCounters();
        fixtures.sample(clip, "LOCAL_ADD", "Add a flock of birds over the sea", 0.8);
        long v2 = build("hub-a", "1.1.0");
        JsonNode second = publish(v2, "org/hub-a");

        assertThat(second.path("state").asString()).as(second.toString()).isEqualTo("DONE");
        long changed = 0;
        Path dir = releases.directory(releases.get(v2));
        for (var e : manifest(v2).entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                changed += Files.size(dir.resolve(e.getKey()));
            }
        }
        assertThat(HUB.bytesUploaded()).as("bytes uploaded = bytes of changed files").isEqualTo(changed);
        assertRemoteEqualsLocal("org/hub-a", "main", v2);
        assertRemoteEqualsLocal("org/hub-a", "v1.0.0", v1);
        assertThat(HUB.tagCommit("org/hub-a", "v1.1.0")).isEqualTo(second.path("commitId").asString());
    }

    @Test
    void aCutOffPublicationResumesWithoutResendingFinishedParts() throws Exception {
        long clip = fixtures.clip(73);
        for (int i = 0; i < 4; i++) {
            fixtures.sample(clip, "LOCAL_REPLACE", "Replace the bars with a brick wall, variant " + (char) ('A' + i), 0.8);
        }
        long id = build("hub-b", "1.0.0");
        HUB.resetCounters();
        HUB.cutOffAfterParts(3);

        JsonNode cut = publish(id, "org/hub-b");
        assertThat(cut.path("state").asString()).as(cut.toString()).isEqualTo("FAILED");
        assertThat(cut.path("error").asString()).contains("503");
        assertThat(cut.path("bytesDone").asLong()).isPositive().isLessThan(cut.path("bytesTotal").asLong());

        HUB.recover();
        var resumed = api.post("/api/publications/" + cut.path("id").asLong() + "/resume", Map.of());
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
        JsonNode done = api.awaitPublication(cut.path("id").asLong());

        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
        assertThat(HUB.partUploads()).isNotEmpty().allSatisfy((part, times) -> assertThat(times).as(part).isEqualTo(1));
        assertThat(done.path("bytesDone").asLong()).isEqualTo(done.path("bytesTotal").asLong());

        JsonNode straight = publish(id, "org/hub-b-straight");
        assertThat(straight.path("state").asString()).isEqualTo("DONE");
        Map<String, byte[]> a = HUB.files("org/hub-b", "main");
        Map<String, byte[]> b = HUB.files("org/hub-b-straight", "main");
        assertThat(a.keySet()).isEqualTo(b.keySet());
        a.forEach((path, bytes) -> assertThat(bytes).as(path).isEqualTo(b.get(path)));
        assertRemoteEqualsLocal("org/hub-b", "main", id);
    }

    @Test
    void aWrongTokenFailsClearlyAndTheTokenAppearsNowhere(CapturedOutput output) throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "GLOBAL_STYLE", "Make it black and white", 0.9);
        long id = build("hub-c", "1.0.0");
        HUB.acceptToken("hf_someone_elses_token");

        JsonNode failed = publish(id, "org/hub-c");

        assertThat(failed.path("state").asString()).isEqualTo("FAILED");
        assertThat(failed.path("error").asString()).contains("401").contains("HF_TOKEN").doesNotContain(TOKEN);
        var detail = api.get("/api/releases/" + id);
        assertThat(detail.body()).doesNotContain(TOKEN);
        assertThat(api.get("/api/publications/" + failed.path("id").asLong()).body()).doesNotContain(TOKEN);
        assertThat(output.getAll()).contains("401").doesNotContain(TOKEN);
        assertThat(HubProperties.of(HUB.url(), TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void theTokenAnAdminSetsInSettingsIsUsedWithoutARestartAndNeverShown(CapturedOutput output) throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a watercolour", 0.9);
        long id = build("hub-d", "1.0.0");
        String adminsToken = "hf_set_in_settings_" + System.nanoTime();
        HUB.acceptToken(adminsToken); // the configured token no longer works; only the one set in Settings does
        try {
            settings.set(HubSettings.HUB_TOKEN, adminsToken);
            settings.set(HubSettings.HUB_ENDPOINT, HUB.url());

            JsonNode done = publish(id, "org/hub-d");

            assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
            assertThat(settings.get(HubSettings.HUB_TOKEN).value()).as("shown masked").isNotEqualTo(adminsToken);
            assertThat(jdbc.sql("select value from settings where key = 'hub.token'").query(String.class).single())
                    .as("stored encrypted").doesNotContain(adminsToken);
            assertThat(output.getAll()).doesNotContain(adminsToken);

            settings.set(HubSettings.HUB_TOKEN, ""); // cleared in Settings: no token at all, not the configured one
            JsonNode refused = publish(build("hub-e", "1.0.0"), "org/hub-e");
            assertThat(refused.path("error").asString()).contains("no Hugging Face token is configured");
        } finally {
            settings.reset(HubSettings.HUB_TOKEN);
            settings.reset(HubSettings.HUB_ENDPOINT);
        }
    }

    private long build(String name, String version) throws Exception {
        var response = api.post("/api/releases", Map.of("name", name, "version", version));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asLong();
    }

    private JsonNode publish(long releaseId, String repo) throws Exception {
        var started = api.post("/api/releases/" + releaseId + "/publish", Map.of("target", "hub", "destination", repo));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return api.awaitPublication(started.json().path("id").asLong());
    }

    private Map<String, String> manifest(long releaseId) throws IOException {
        Path dir = releases.directory(releases.get(releaseId));
        Map<String, String> files = new HashMap<>();
        for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
            files.put(f.path("path").asString(), f.path("sha256").asString());
        }
        files.put("manifest.json", FakeHub.sha256(dir.resolve("manifest.json")));
        return files;
    }

    private void assertRemoteEqualsLocal(String repo, String revision, long releaseId) throws IOException {
        Path dir = releases.directory(releases.get(releaseId));
        Map<String, byte[]> remote = HUB.files(repo, revision);
        assertThat(remote.keySet()).isEqualTo(manifest(releaseId).keySet());
        for (var e : remote.entrySet()) {
            assertThat(e.getValue()).as(repo + "@" + revision + ":" + e.getKey()).isEqualTo(Files.readAllBytes(dir.resolve(e.getKey())));
        }
    }
}
