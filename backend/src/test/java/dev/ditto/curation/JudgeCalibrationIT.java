package dev.ditto.curation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.campaigns.AgentEngines;
import dev.ditto.campaigns.AgentSettings;
import dev.ditto.settings.SettingsService;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Calibration over REST against real decisions: curators here accept what follows the instruction (score ≥ 0.6); the
 * report finds the judge's agreement poor under the defaults, proposes thresholds that agree better, and applying
 * them puts them in force and re-decides the waiting and auto-rejected samples from their stored scores, leaving
 * decided samples alone.
 */
@DittoIntegrationTest
@org.springframework.test.context.TestPropertySource(properties = "ditto.judge.enabled=false")
class JudgeCalibrationIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired SettingsService settings;
    @Autowired AgentEngines engines;
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    CurationFixtures fixtures;
    long curatorId;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        fixtures.user("calib-curator", Role.CURATOR);
        curatorId = jdbc.sql("select id from users where username = 'calib-curator'").query(Long.class).single();
    }

    @AfterEach
    void resetThresholds() {
        settings.reset(AgentSettings.JUDGE_MIN_OVERALL);
        settings.reset(AgentSettings.JUDGE_CRITERION_MINIMUMS);
    }

    @Test
    void theReportProposesBetterAgreeingThresholdsAndApplyingReDecidesWaitingSamplesOnly() throws Exception {
        Random r = new Random(20261206);
        for (int i = 0; i < 60; i++) {
            double follow = r.nextDouble();
            long id = sample("IN_REVIEW", follow, 0.4 + 0.6 * r.nextDouble());
            decide(id, follow >= 0.6 ? "ACCEPT" : "REJECT");
        }
        long waitingWeak = sample("IN_REVIEW", 0.45, 0.9);     // passes the defaults; curators here would reject it
        long rejectedStrong = sample("AUTO_REJECTED", 0.95, 0.9); // as if once rejected under stricter thresholds
        long decidedWeak = sample("ACCEPTED", 0.45, 0.9);
        decide(decidedWeak, "ACCEPT");

        HttpResponse<String> viewer = send("GET", "/api/admin/judge/calibration", null, "calib-curator", "password-calib-curator");
        assertThat(viewer.statusCode()).as("curators do not calibrate").isEqualTo(403);

        JsonNode report = json.readTree(admin("GET", "/api/admin/judge/calibration?targetPrecision=0.85", null).body());
        assertThat(report.path("n").asLong()).isEqualTo(61);
        assertThat(report.path("why").isNull()).isTrue();
        double before = report.path("current").path("kappa").asDouble();
        double proposed = report.path("proposedAgreement").path("kappa").asDouble();
        assertThat(proposed).isGreaterThan(before + 0.2);
        assertThat(report.path("proposed").path("minimums").path("INSTRUCTION_FOLLOWING").asDouble()).isBetween(0.5, 0.65);
        assertThat(report.path("curves")).hasSize(6);

        HttpResponse<String> applied = admin("POST", "/api/admin/judge/calibration/apply", "{\"use\": \"best-kappa\"}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(engines.properties().judgeThresholds().minimums().get(dev.ditto.agent.judge.Criterion.INSTRUCTION_FOLLOWING))
                .as("in force at once").isBetween(0.5, 0.65);
        assertThat(fixtures.status(waitingWeak)).isEqualTo("AUTO_REJECTED");
        assertThat(fixtures.status(rejectedStrong)).isEqualTo("IN_REVIEW");
        assertThat(fixtures.status(decidedWeak)).as("a person's decision stands").isEqualTo("ACCEPTED");
        assertThat(jdbc.sql("select reject_reason from samples where id = :id").param("id", waitingWeak).query(String.class).single())
                .contains("instruction_following 0.45 <").contains("re-decided");
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'judge.calibrate'").query(Long.class).single()).isEqualTo(1);

        JsonNode after = json.readTree(admin("GET", "/api/admin/judge/calibration", null).body());
        assertThat(after.path("current").path("kappa").asDouble()).as("the report now measures the applied thresholds")
                .isEqualTo(proposed, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void badRequestsSayWhatToFix() throws Exception {
        HttpResponse<String> bad = admin("POST", "/api/admin/judge/calibration/apply", "{\"use\": \"vibes\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("detail").asString()).contains("best-kappa or target-precision");
        HttpResponse<String> none = admin("POST", "/api/admin/judge/calibration/apply", "{\"use\": \"best-kappa\"}");
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(json.readTree(none.body()).path("detail").asString()).contains("at least 10");
        assertThat(admin("GET", "/api/admin/judge/calibration?targetPrecision=3", null).statusCode()).isEqualTo(400);
    }

    private long sample(String status, double follow, double preservation) {
        long id = fixtures.sample(status, 0.7, "make it look like a watercolour painting " + UUID.randomUUID());
        String verdict = String.format(Locale.ROOT, """
                {"scores": {"safety": {"score": 1.0, "reason": "ok"}, "instruction_following": {"score": %.3f, "reason": "r"},
                            "preservation": {"score": %.3f, "reason": "r"}, "visual_quality": {"score": 0.8, "reason": "r"},
                            "temporal_consistency": {"score": 0.8, "reason": "r"}},
                 "overall": 0.7, "decision": "ACCEPT_TO_QUEUE", "engine": "metric", "model": "builtin", "promptVersion": "v1"}""",
                follow, preservation);
        jdbc.sql("update samples set verdict = cast(:v as jsonb) where id = :id").param("v", verdict).param("id", id).update();
        return id;
    }

    private void decide(long sample, String decision) {
        jdbc.sql("insert into reviews (sample_id, reviewer_id, decision, reason_code) values (:s, :r, :d, :reason)")
                .param("s", sample).param("r", curatorId).param("d", decision)
                .param("reason", decision.equals("REJECT") ? "ARTIFACTS" : null).update();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, path, body, "admin", "admin-test-password");
    }

    private HttpResponse<String> send(String method, String path, String body, String user, String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + auth).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
