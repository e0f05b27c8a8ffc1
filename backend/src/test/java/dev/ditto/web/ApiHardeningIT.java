package dev.ditto.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The small leaks of issue 22, closed: metrics, admin-only status, bad parameters and unknown paths. */
@DittoIntegrationTest
class ApiHardeningIT {
    private static final String ADMIN = basic("admin", "admin-test-password");
    private static final String VIEWER = basic("hardening-viewer", "password-hardening-viewer");

    private final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort int port;
    @Autowired UserService users;

    @BeforeEach
    void viewer() {
        if (users.findByUsername("hardening-viewer").isEmpty()) {
            users.create("hardening-viewer", "password-hardening-viewer", Role.VIEWER, null);
        }
    }

    @Test
    void prometheusTakesAnAdminOrTheScrapeTokenAndNobodyElse() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", VIEWER).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/prometheus", "Bearer wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", ADMIN).statusCode()).isEqualTo(200);
        HttpResponse<String> scrape = get("/actuator/prometheus", "Bearer it-scrape-token");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_");
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theSearchStatusIsForAdminsOnly() throws Exception {
        assertThat(get("/api/admin/search/status", VIEWER).statusCode()).isEqualTo(403);
        assertThat(get("/api/admin/search/status", ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void negativeLimitsAndOffsetsAndForeignCursorsAre400ProblemsNot500() throws Exception {
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"after\":[\"x\",\"y\",\"z\",1,2,3,4,5,6,7]}".getBytes(StandardCharsets.UTF_8));
        for (String path : new String[] {"/api/sources?limit=-1", "/api/sources?offset=-5", "/api/releases?limit=-1",
                "/api/releases?offset=-1", "/api/admin/jobs?limit=-1", "/api/admin/jobs?offset=-1", "/api/campaigns?limit=-3"}) {
            HttpResponse<String> r = get(path, ADMIN);
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).contains("application/problem+json");
        }
        for (String cursor : new String[] {"%%%", "not-base64!", forged}) {
            HttpResponse<String> r = get("/api/search?cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), ADMIN);
            assertThat(r.statusCode()).as(cursor + " " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("cursor");
        }
    }

    @Test
    void unknownApiAndActuatorPathsAre404ProblemsWithoutASession() throws Exception {
        for (String path : new String[] {"/api/nothing-here", "/api/sources/1/nothing", "/actuator/nothing-here"}) {
            HttpResponse<String> r = get(path, ADMIN);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).contains("application/problem+json");
            assertThat(r.headers().allValues("Set-Cookie")).as(path).isEmpty();
        }
    }

    @Test
    void aKnownPathWithTheWrongMethodIsA405WithAllowNotA404() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/search"))
                .header("Authorization", ADMIN).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow").orElse("")).contains("POST");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(r.body()).contains("DELETE /api/search is not supported");
    }

    private HttpResponse<String> get(String path, @Nullable String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
