package dev.ditto.runners;

import static dev.ditto.jobs.JobFixtures.aRunnerName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ditto.agent.llm.FakeOpenAiServer;
import dev.ditto.blobs.BlobStore;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.RunnerPaths;
import dev.ditto.protocol.StageTiming;
import dev.ditto.search.SampleFixtures;
import dev.ditto.testing.DittoIntegrationTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.ObjectMapper;

/**
 * A sample's way from a campaign to a curator, in the backend alone: the campaign writes the instruction and queues
 * its GENERATE job, a runner claims it over the protocol, uploads the edited video and key frame and completes it, the
 * judge (a vision model behind a local server speaking OpenAI's chat-completions format) scores it, and the sample
 * waits IN_REVIEW with the verdict.
 */
@DittoIntegrationTest
class GenerateJudgeReviewIT {
    private static final FakeOpenAiServer VISION_MODEL = start();

    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired BlobStore blobs;
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    @DynamicPropertySource
    static void judgeWithTheVisionModel(DynamicPropertyRegistry registry) {
        registry.add("ditto.agent.vision.provider", () -> "openai-compatible");
        registry.add("ditto.agent.vision.base-url", VISION_MODEL::baseUrl);
        registry.add("ditto.agent.vision.model", () -> "fake-vision-judge");
    }

    @AfterAll
    static void stop() {
        VISION_MODEL.close();
    }

    @Test
    void aGeneratedSampleIsJudgedAndWaitsForACurator() throws Exception {
        RunnerHttp http = new RunnerHttp(port, json);
        long source = aReadySource();
        var started = http.asAdmin("POST", "/api/campaigns", Map.of("name", "generate-judge " + UUID.randomUUID(),
                "sourceIds", List.of(source), "perSource", 1, "seed", 7));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        long campaign = json.readTree(started.body()).path("id").asLong();

        HttpResponse<String> created = http.asAdmin("POST", "/api/admin/runners", Map.of("name", aRunnerName()));
        assertThat(created.statusCode()).isEqualTo(201);
        String token = json.readTree(created.body()).path("token").asString();
        JobAssignment job = await().atMost(Duration.ofMinutes(2)).until(() -> {
            HttpResponse<String> claim = http.post(RunnerPaths.CLAIM, token, new ClaimRequest(List.of(JobType.GENERATE), 5));
            return claim.statusCode() == 200 ? http.read(claim, JobAssignment.class) : null;
        }, j -> j != null && j.payload() instanceof GeneratePayload g && sampleOf(campaign) == g.sampleId());
        GeneratePayload payload = (GeneratePayload) job.payload();

        BlobRef video = upload(http, token, job, "edited.mp4", new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}, "video/mp4");
        BlobRef keyFrame = upload(http, token, job, "edited-key.jpg", jpeg(new Color(30, 60, 200)), "image/jpeg");
        VISION_MODEL.reply(new FakeOpenAiServer.Content("""
                {"instructionFollowing": {"score": 0.9, "reason": "the edit does what was asked"},
                 "preservation": {"score": 0.85, "reason": "layout and subject kept"},
                 "visualQuality": {"score": 0.8, "reason": "clean"},
                 "temporalConsistency": {"score": 0.8, "reason": "stable"},
                 "safety": {"score": 1.0, "reason": "harmless"}}"""));
        HttpResponse<String> completed = http.post(RunnerPaths.COMPLETE.formatted(job.jobId()), token,
                new JobCompletion(job.attempt(), new GenerateResult(1, video, keyFrame,
                        Map.of("edit_strength", 0.2, "warp_error", 1.0, "edge_ssim", 0.9),
                        Map.of("propagation", new StageTiming(1.0, 1.0, 0.0)),
                        new Provenance("test-runner", List.of(new Provenance.Stage("propagation", "builtin.flow-propagation",
                                "opencv-dis", "4", payload.edit().seed()))), null), null));
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);

        long sample = payload.sampleId();
        await().atMost(Duration.ofMinutes(1)).until(() -> status(sample), s -> s.equals("IN_REVIEW"));
        assertThat(jdbc.sql("select judge_score from samples where id = :id").param("id", sample).query(Double.class).single())
                .isGreaterThan(0.7);
        assertThat(jdbc.sql("select judge_engine from samples where id = :id").param("id", sample).query(String.class).single())
                .contains("fake-vision-judge");
        assertThat(VISION_MODEL.requests()).as("the vision model was asked about this instruction")
                .anySatisfy(r -> assertThat(r.toString()).contains(payload.instruction()).contains("image_url"));
    }

    /** A probed source with one clip in the training format and its key frame in the blob store. */
    private long aReadySource() throws IOException {
        var source = new SampleFixtures(jdbc, outbox).aSource("a red cup on a wooden table " + UUID.randomUUID(), "indoor");
        jdbc.sql("update source_assets set width = 832, height = 480, frames = 73, fps = 20 where id = :id")
                .param("id", source.clipId()).update();
        byte[] key = jpeg(new Color(200, 40, 40));
        BlobStore.StoredBlob stored = blobs.put(new ByteArrayInputStream(key), key.length, null);
        jdbc.sql("""
                insert into source_assets (source_id, kind, parent_id, clip_index, blob_key, size_bytes, content_type)
                values (:s, 'KEY_FRAME', :clip, 0, :blob, :size, 'image/jpeg')""")
                .param("s", source.id()).param("clip", source.clipId()).param("blob", stored.key())
                .param("size", stored.size()).update();
        return source.id();
    }

    private BlobRef upload(RunnerHttp http, String token, JobAssignment job, String name, byte[] bytes, String type)
            throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        HttpResponse<String> stored = http.put(RunnerPaths.ARTIFACT.formatted(job.jobId(), name, job.attempt()),
                token, bytes, sha);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        return new BlobRef(sha, bytes.length, type);
    }

    private long sampleOf(long campaign) {
        return jdbc.sql("select id from samples where campaign_id = :c").param("c", campaign).query(Long.class)
                .optional().orElse(-1L);
    }

    private String status(long sample) {
        return jdbc.sql("select status from samples where id = :id").param("id", sample).query(String.class).single();
    }

    private static byte[] jpeg(Color colour) throws IOException {
        BufferedImage image = new BufferedImage(160, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 160, 96);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static FakeOpenAiServer start() {
        try {
            return new FakeOpenAiServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
