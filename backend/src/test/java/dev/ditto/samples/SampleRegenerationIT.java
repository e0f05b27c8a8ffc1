package dev.ditto.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.jobs.JobQueue;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * Regenerate over REST: the new sample's GENERATE job carries the original job's payload unchanged but for the
 * sample it belongs to (so a runner repeats exactly the recorded edit and seed), the original stays, the action is
 * audited, and bad requests say what is wrong as problem details.
 */
@DittoIntegrationTest
class SampleRegenerationIT {
    @Autowired JdbcClient jdbc;
    @Autowired JobQueue jobs;
    @Autowired UserService users;
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    @BeforeEach
    void users() {
        for (var u : Map.of("regen-curator", Role.CURATOR, "regen-viewer", Role.VIEWER).entrySet()) {
            if (users.findByUsername(u.getKey()).isEmpty()) {
                users.create(u.getKey(), "password-" + u.getKey(), u.getValue(), null);
            }
        }
    }

    @Test
    void regenerateQueuesTheRecordedPayloadForANewSampleThatPointsAtTheOriginal() throws Exception {
        long original = generatedSample(-42L);
        String originalPayload = latestPayload(original);

        HttpResponse<String> response = post(original, "regen-curator");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        long regenerated = body.path("sampleId").asLong();
        assertThat(regenerated).isNotEqualTo(original);
        assertThat(body.path("regeneratedFrom").asLong()).isEqualTo(original);
        assertThat(body.path("seed").asLong()).isEqualTo(-42L);

        JsonNode was = json.readTree(originalPayload);
        JsonNode now = json.readTree(latestPayload(regenerated));
        assertThat(now.path("sampleId").asLong()).isEqualTo(regenerated);
        ((tools.jackson.databind.node.ObjectNode) now).put("sampleId", original);
        assertThat(now.toString()).as("every recorded field but the sample id is repeated").isEqualTo(was.toString());

        assertThat(jdbc.sql("select regenerated_from from samples where id = :id").param("id", regenerated)
                .query(Long.class).single()).isEqualTo(original);
        assertThat(jdbc.sql("select status from samples where id = :id").param("id", original).query(String.class).single())
                .as("the original keeps its video and decision").isEqualTo("IN_REVIEW");
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'sample.regenerate' and entity_id = :id")
                .param("id", String.valueOf(original)).query(Long.class).single()).isEqualTo(1);

        // a regeneration can itself be regenerated once it has a video; while it is queued it cannot
        HttpResponse<String> tooEarly = post(regenerated, "regen-curator");
        assertThat(tooEarly.statusCode()).isEqualTo(409);
        assertThat(tooEarly.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json.readTree(tooEarly.body()).path("detail").asString()).contains("still QUEUED");
    }

    @Test
    void unknownSamplesAndViewersAreRefusedWithTheReason() throws Exception {
        HttpResponse<String> unknown = post(987_654_321L, "regen-curator");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).path("detail").asString()).contains("sample 987654321 does not exist");

        long sample = generatedSample(7L);
        assertThat(post(sample, "regen-viewer").statusCode()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from samples where regenerated_from = :id").param("id", sample)
                .query(Long.class).single()).isZero();
    }

    /** A sample in review whose GENERATE job ran: source, clip, instruction, sample and job rows as production makes them. */
    private long generatedSample(long seed) {
        String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        long source = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status)
                values ('UPLOAD', 'cup.mp4', :key, 1000, :sha, 'READY') returning id""")
                .param("key", sha).param("sha", sha).query(Long.class).single();
        long clip = jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, start_s, end_s)
                values (:s, 'CLIP', 0, :key, 1000, 'video/mp4', 0, 4) returning id""")
                .param("s", source).param("key", "c" + sha).query(Long.class).single();
        EditSpec spec = new EditSpec("add_snowfall", Map.of("density", 0.6), seed, "add falling snow");
        long instruction = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, seed)
                values (:s, :clip, 'LOCAL_ADD', 'add falling snow', cast(:spec as jsonb), 'grammar', 'builtin', 'v1', :seed)
                returning id""")
                .param("s", source).param("clip", clip).param("spec", json.writeValueAsString(spec)).param("seed", seed)
                .query(Long.class).single();
        long sample = jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category, edited_blob_key, keyframe_blob_key)
                values (:s, :clip, :i, 'IN_REVIEW', 'LOCAL_ADD', :e, :k) returning id""")
                .param("s", source).param("clip", clip).param("i", instruction).param("e", "e" + sha).param("k", "k" + sha)
                .query(Long.class).single();
        JobPayload payload = new GeneratePayload(JobPayload.CURRENT_VERSION, sample, clip, instruction,
                new BlobRef("c" + sha, 1000, "video/mp4"), "add falling snow", spec, VideoFormat.DITTO_DEFAULT);
        long job = jobs.enqueue(JobType.GENERATE, payload, 0, source, sample);
        jdbc.sql("update jobs set status = 'CANCELLED' where id = :id").param("id", job).update();
        return sample;
    }

    private String latestPayload(long sample) {
        return jdbc.sql("select payload::text from jobs where sample_id = :id and type = 'GENERATE' order by id desc limit 1")
                .param("id", sample).query(String.class).single();
    }

    private HttpResponse<String> post(long sample, String user) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":password-" + user).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/samples/" + sample + "/regenerate"))
                .header("Authorization", "Basic " + auth).POST(HttpRequest.BodyPublishers.noBody()).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
