package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The factory floor end to end: a real runner process probes an uploaded clip, the agent writes instructions,
 * the runner generates edited videos and the judge rules on them; a runner killed mid-job loses nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineJourneyIT extends BrowserJourney {
    private static final Set<String> JUDGED = Set.of("IN_REVIEW", "AUTO_REJECTED");
    private static long sourceId;
    private static Process firstRunner;

    private final Api api = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);

    @Test
    @Order(1)
    void anUploadedClipIsProbedIntoTrainingClipsByARealRunner() throws IOException {
        String token = api.post("/api/admin/runners", "{\"name\":\"e2e-runner-one\"}").getAsJsonObject().get("token").getAsString();
        firstRunner = platform.startRunner("one", token);

        JsonObject ingested = api.upload("/api/sources?name=cup.mp4", () -> demoClip("opencv4/html/cup.mp4.gz")).getAsJsonObject();
        sourceId = ingested.get("sourceId").getAsLong();

        JsonObject source = api.await("/api/sources/" + sourceId, s -> !s.getAsJsonObject().get("status").getAsString().equals("PROBING"),
                Duration.ofMinutes(5)).getAsJsonObject();
        assertThat(source.get("status").getAsString()).as("source status (error: %s)", source.get("error")).isEqualTo("READY");
        assertThat(source.get("clips").getAsInt()).isPositive();
        assertThat(source.get("width").getAsInt()).isEqualTo(640);
        assertThat(source.getAsJsonObject("scores").has("motion")).isTrue();
    }

    @Test
    @Order(2)
    void aCampaignsInstructionsBecomeGeneratedAndJudgedSamples() {
        long campaign = api.post("/api/campaigns", "{\"name\":\"e2e campaign\",\"sourceIds\":[" + sourceId
                + "],\"perSource\":3,\"mix\":{},\"seed\":7}").getAsJsonObject().get("id").getAsLong();

        JsonObject done = api.await("/api/campaigns/" + campaign, c -> c.getAsJsonObject().get("status").getAsString().matches("DONE|FAILED"),
                Duration.ofMinutes(3)).getAsJsonObject();
        assertThat(done.get("status").getAsString()).as("campaign error: %s", done.get("error")).isEqualTo("DONE");
        assertThat(done.get("written").getAsInt()).isEqualTo(3);

        JsonArray instructions = api.await("/api/campaigns/" + campaign + "/instructions", rows -> allJudged(rows.getAsJsonArray()),
                Duration.ofMinutes(8)).getAsJsonArray();
        assertThat(instructions).hasSize(3);
        assertThat(instructions.asList()).allSatisfy(row ->
                assertThat(row.getAsJsonObject().get("engine").getAsString()).isEqualTo("builtin-grammar"));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        assertThat(page.locator("[data-testid=card-samples]")).containsText("Total 3");
        snap("overview-after-generation");
    }

    @Test
    @Order(3)
    void aRunnerKilledMidJobLosesNothingAndNothingIsCountedTwice() throws Exception {
        long campaign = api.post("/api/campaigns", "{\"name\":\"e2e kill\",\"sourceIds\":[" + sourceId
                + "],\"perSource\":1,\"mix\":{},\"seed\":99}").getAsJsonObject().get("id").getAsLong();
        JsonArray running = api.await("/api/admin/jobs?status=RUNNING&type=GENERATE", j -> !j.getAsJsonArray().isEmpty(),
                Duration.ofMinutes(3)).getAsJsonArray();
        long jobId = running.get(0).getAsJsonObject().get("id").getAsLong();

        firstRunner.destroyForcibly().waitFor(); // SIGKILL: no goodbye, no handing back
        String token = api.post("/api/admin/runners", "{\"name\":\"e2e-runner-two\"}").getAsJsonObject().get("token").getAsString();
        platform.startRunner("two", token);

        JsonObject job = api.await("/api/admin/jobs/" + jobId, j -> j.getAsJsonObject().get("status").getAsString().equals("SUCCEEDED"),
                Duration.ofMinutes(5)).getAsJsonObject();
        assertThat(job.get("attempts").getAsInt()).isEqualTo(2);
        JsonArray instructions = api.await("/api/campaigns/" + campaign + "/instructions", rows -> allJudged(rows.getAsJsonArray()),
                Duration.ofMinutes(3)).getAsJsonArray();
        assertThat(instructions).hasSize(1);
        JsonObject stats = api.get("/api/campaigns/" + campaign).getAsJsonObject();
        assertThat(stats.getAsJsonObject("jobs").get("SUCCEEDED").getAsLong()).isEqualTo(1);
    }

    private static boolean allJudged(JsonArray rows) {
        return !rows.isEmpty() && rows.asList().stream().map(JsonElement::getAsJsonObject)
                .allMatch(r -> r.has("sampleStatus") && JUDGED.contains(r.get("sampleStatus").getAsString()));
    }

    static InputStream demoClip(String relative) {
        try {
            return new GZIPInputStream(Files.newInputStream(Path.of("/usr/share/doc/opencv-doc").resolve(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
