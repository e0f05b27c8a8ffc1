package dev.ditto.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.audit.AuditLog;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Login throttling on the API's HTTP Basic: lockouts per account and per address, 429 answers, admin unlock. */
@DittoIntegrationTest
class LoginThrottleIT {
    private static final String ADMIN = basic("admin", "admin-test-password");

    private final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort int port;
    @Autowired UserService users;
    @Autowired LoginThrottle throttle;
    @Autowired AuditLog audit;
    @Value("${ditto.security.login.max-failures-per-address:50}") int perAddress;

    @BeforeEach
    @AfterEach
    void forgetFailures() {
        // all tests sign in from 127.0.0.1 and share this context: leave no lockout behind
        throttle.clear();
    }

    private void user(String name) {
        if (users.findByUsername(name).isEmpty()) {
            users.create(name, "password-" + name, Role.VIEWER, null);
        }
    }

    @Test
    void fiveWrongPasswordsLockTheAccountAndEvenTheRightOneIsThen429WithRetryAfter() throws Exception {
        user("throttle-a");
        for (int i = 0; i < 5; i++) {
            assertThat(get(basic("throttle-a", "wrong-" + i)).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = get(basic("throttle-a", "password-throttle-a"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 30));
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(refused.body()).contains("too many failed sign-ins; try again in ").contains("\"status\":429")
                .contains("retryAfterSeconds");
        assertThat(audit.recent(20, 0)).filteredOn(e -> e.action().equals("login.lockout"))
                .extracting(AuditLog.Entry::entityId).contains("account:throttle-a");
        assertThat(audit.recent(50, 0)).filteredOn(e -> "account:throttle-a".equals(e.entityId())
                && e.action().equals("login.lockout")).as("one entry per lockout, not per attempt").hasSize(1);
    }

    @Test
    void anotherAccountFromTheSameAddressWorksUntilTheAddressLimit() throws Exception {
        user("throttle-b");
        user("throttle-c");
        for (int i = 0; i < 5; i++) {
            assertThat(get(basic("throttle-b", "wrong-" + i)).statusCode()).isEqualTo(401);
        }
        assertThat(get(basic("throttle-b", "password-throttle-b")).statusCode()).isEqualTo(429);
        assertThat(get(basic("throttle-c", "password-throttle-c")).statusCode()).as("another account").isEqualTo(200);

        // failures spread over many usernames (none reaches the account limit) lock the address
        throttle.clear();
        for (int i = 0; i < perAddress; i++) {
            assertThat(get(basic("throttle-spray-" + i, "wrong")).statusCode()).isEqualTo(401);
        }
        assertThat(get(basic("throttle-c", "password-throttle-c")).statusCode()).as("the address is locked").isEqualTo(429);
    }

    @Test
    void unknownUsernamesAreThrottledToo() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get(basic("throttle-nobody", "wrong-" + i)).statusCode()).isEqualTo(401);
        }
        assertThat(get(basic("throttle-nobody", "anything")).statusCode()).isEqualTo(429);
    }

    @Test
    void anAdminListsAndUnlocksAndTheRightPasswordWorksAgain() throws Exception {
        user("throttle-d");
        for (int i = 0; i < 5; i++) {
            get(basic("throttle-d", "wrong-" + i));
        }
        assertThat(get(basic("throttle-d", "password-throttle-d")).statusCode()).isEqualTo(429);
        user("throttle-viewer");
        assertThat(get("/api/admin/lockouts", basic("throttle-viewer", "password-throttle-viewer")).statusCode()).isEqualTo(403);
        HttpResponse<String> list = get("/api/admin/lockouts", ADMIN);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"key\":\"account:throttle-d\"").contains("retryAfterSeconds");

        assertThat(send("DELETE", "/api/admin/lockouts/account:throttle-viewer", basic("throttle-viewer", "password-throttle-viewer"))
                .statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/admin/lockouts/account:throttle-d", ADMIN).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/api/admin/lockouts/account:throttle-d", ADMIN).statusCode()).isEqualTo(404);
        assertThat(get(basic("throttle-d", "password-throttle-d")).statusCode()).isEqualTo(200);
        assertThat(audit.recent(20, 0)).filteredOn(e -> e.action().equals("login.unlock"))
                .anySatisfy(e -> {
                    assertThat(e.entityId()).isEqualTo("account:throttle-d");
                    assertThat(e.actor()).isEqualTo("admin");
                });
    }

    private HttpResponse<String> get(String authorization) throws IOException, InterruptedException {
        return get("/api/sources?limit=1", authorization);
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return send("GET", path, authorization);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", authorization).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
