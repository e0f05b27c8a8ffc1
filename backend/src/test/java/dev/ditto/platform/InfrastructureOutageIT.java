package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.BackendTestApplication;
import dev.ditto.runners.RunnerTokens;
import dev.ditto.testing.FaultProxies;
import dev.ditto.testing.TcpFaultProxy.Mode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The server with PostgreSQL or Elasticsearch failing under it, through proxies the test switches (the real servers
 * are shared by every test and keep running): Elasticsearch hanging or down leaves the server ready and degraded,
 * PostgreSQL down is answered 503 with Retry-After on the API and the runner protocol, and every health answer comes
 * within 2 s whatever hangs.
 */
@SpringBootTest(classes = BackendTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = FaultProxies.Initializer.class)
class InfrastructureOutageIT {
    private static final Logger log = LoggerFactory.getLogger(InfrastructureOutageIT.class);
    private static final Duration HEALTH_LIMIT = Duration.ofSeconds(2);
    @Autowired FaultProxies proxies;
    @Autowired RunnerTokens runners;
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One request before the faults: the time limits below are about what hangs, not about the JVM compiling the
     * request path on its first request (up to a second more on this 2-core machine).
     */
    @BeforeEach
    void warmUp() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @AfterEach
    void restore() throws Exception {
        proxies.restore();
        // the server recovers once its dependencies answer again
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> json.readTree(get("/actuator/health", null).body()).path("status").asString(), "UP"::equals);
    }

    @Test
    void elasticsearchHangingOrDownLeavesTheServerReadyAndDegradedAnsweredWithinTwoSeconds() throws Exception {
        for (Mode fault : new Mode[] {Mode.HANG, Mode.DOWN}) {
            proxies.elasticsearch().set(fault);
            for (int round = 0; round < 2; round++) {
                Timed readiness = timed("/actuator/health/readiness", null);
                Timed liveness = timed("/actuator/health/liveness", null);
                Timed health = timed("/actuator/health", null);
                log.info("Elasticsearch {} (round {}): readiness {} in {} ms, liveness {} in {} ms, health {} in {} ms", fault, round,
                        readiness.status(), readiness.ms(), liveness.status(), liveness.ms(), health.status(), health.ms());

                assertThat(readiness.status()).as("readiness with Elasticsearch %s", fault).isEqualTo(200);
                assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
                assertThat(readiness.json().path("components").has("elasticsearch")).isFalse();
                assertThat(liveness.status()).isEqualTo(200);
                assertThat(health.status()).as("the whole server is not DOWN for Elasticsearch").isEqualTo(200);
                assertThat(health.json().path("status").asString()).isEqualTo("DEGRADED");
                assertThat(health.json().path("components").path("elasticsearch").path("status").asString()).isEqualTo("DEGRADED");
                assertThat(health.json().path("components").path("postgresql").path("status").asString()).isEqualTo("UP");
                for (Timed t : new Timed[] {readiness, liveness, health}) {
                    assertThat(t.ms()).as("a health answer with Elasticsearch %s", fault).isLessThan(HEALTH_LIMIT.toMillis());
                }
            }
        }
    }

    @Test
    void postgresqlDownIsAnswered503WithRetryAfterOnTheApiTheRunnerProtocolAndReadiness() throws Exception {
        String runnerToken = runners.create("outage-" + UUID.randomUUID()).token();
        assertThat(get("/api/campaigns", admin()).statusCode()).isEqualTo(200);

        proxies.postgres().set(Mode.DOWN);

        Timed api = timed("/api/campaigns", admin());
        log.info("PostgreSQL down: GET /api/campaigns {} in {} ms", api.status(), api.ms());
        assertThat(api.status()).as("the right password, unchecked: not a 401").isEqualTo(503);
        assertThat(api.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(api.response().headers().firstValue("Retry-After")).hasValue("5");
        assertThat(api.json().path("type").asString()).isEqualTo("https://ditto.dev/problems/database-unavailable");
        assertThat(api.json().path("detail").asString()).contains("database (PostgreSQL) is unavailable");
        assertThat(api.ms()).as("answered within the connection timeout (3 s), not Hikari's 30 s").isLessThan(5_000);
        Timed again = timed("/api/campaigns", admin());
        log.info("PostgreSQL down: GET /api/campaigns again (no pooled connection left) {} in {} ms", again.status(), again.ms());
        assertThat(again.status()).isEqualTo(503);
        assertThat(again.ms()).as("answered within the connection timeout (3 s), not Hikari's 30 s").isLessThan(5_000);

        Timed claim = timed("POST", "/api/runner/claim", "Bearer " + runnerToken, "{\"types\":[\"PROBE\"],\"waitSeconds\":0}");
        log.info("PostgreSQL down: POST /api/runner/claim {} in {} ms", claim.status(), claim.ms());
        assertThat(claim.status()).isEqualTo(503);
        assertThat(claim.response().headers().firstValue("Retry-After")).hasValue("5");
        assertThat(claim.json().path("error").asString()).isEqualTo("database_unavailable");
        assertThat(claim.ms()).isLessThan(5_000);

        Timed readiness = timed("/actuator/health/readiness", null);
        log.info("PostgreSQL down: readiness {} in {} ms: {}", readiness.status(), readiness.ms(), readiness.response().body());
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().path("components").path("postgresql").path("status").asString()).isEqualTo("DOWN");
        assertThat(readiness.ms()).isLessThan(HEALTH_LIMIT.toMillis());
    }

    @Test
    void bothHangingStillGetEveryHealthAnswerWithinTwoSeconds() throws Exception {
        proxies.postgres().set(Mode.HANG);
        proxies.elasticsearch().set(Mode.HANG);

        for (String path : new String[] {"/actuator/health/readiness", "/actuator/health/liveness", "/actuator/health"}) {
            Timed t = timed(path, null);
            log.info("PostgreSQL hanging: {} {} in {} ms: {}", path, t.status(), t.ms(), t.response().body());
            assertThat(t.status()).as(path).isEqualTo(503);
            assertThat(t.ms()).as(path).isLessThan(HEALTH_LIMIT.toMillis());
            assertThat(t.json().path("components").path("postgresql").path("status").asString()).isEqualTo("DOWN");
        }
        assertThat(timed("/actuator/health", null).json().path("components").path("elasticsearch").path("status").asString())
                .isEqualTo("DEGRADED");
    }

    private record Timed(int status, long ms, HttpResponse<String> response, JsonNode json) {}

    private Timed timed(String path, String authorization) throws Exception {
        return timed("GET", path, authorization, null);
    }

    private Timed timed(String method, String path, String authorization, String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = send(method, path, authorization, body);
        long ms = (System.nanoTime() - start) / 1_000_000;
        JsonNode parsed = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        return new Timed(response.statusCode(), ms, response, parsed);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, null);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String admin() {
        return "Basic " + Base64.getEncoder().encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));
    }
}
