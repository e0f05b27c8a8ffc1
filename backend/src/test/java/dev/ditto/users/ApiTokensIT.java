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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/** Personal API tokens over HTTP: made, used, capped by the owner's role, revoked, expired, audited, throttled. */
@DittoIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ApiTokensIT {
    private static final String ADMIN = basic("admin", "admin-test-password");

    private final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort int port;
    @Autowired UserService users;
    @Autowired LoginThrottle throttle;
    @Autowired AuditLog audit;
    @Autowired JdbcClient jdbc;
    @Value("${ditto.security.login.max-failures-per-address:50}") int perAddress;

    @BeforeEach
    @AfterEach
    void forgetFailures() {
        throttle.clear();
    }

    private String user(String name, Role role) {
        if (users.findByUsername(name).isEmpty()) {
            users.create(name, "password-" + name, role, null);
        }
        return basic(name, "password-" + name);
    }

    @Test
    void aTokenIsShownOnceStoredAsAHashActsAsItsOwnerAndStopsWhenRevoked(CapturedOutput output) throws Exception {
        String curator = user("tokens-curator", Role.CURATOR);
        HttpResponse<String> made = send("POST", "/api/tokens", curator, "{\"name\":\"nightly export\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String token = field(made.body(), "token");
        long id = Long.parseLong(number(made.body(), "id"));
        assertThat(token).startsWith("dtu_").hasSizeGreaterThan(40);
        assertThat(made.body()).contains("\"role\":\"CURATOR\"").contains("\"owner\":\"tokens-curator\"")
                .contains("\"prefix\":\"" + token.substring(0, 12) + "\"").contains("\"state\":\"active\"");
        assertThat(made.headers().firstValue("Location")).hasValue("/api/tokens/" + id);

        // stored as its sha256 only
        String stored = jdbc.sql("select token_hash from api_tokens where id = :id").param("id", id).query(String.class).single();
        assertThat(stored).isEqualTo(ApiTokens.hash(token)).doesNotContain(token.substring(4));
        HttpResponse<String> listed = send("GET", "/api/tokens", curator, null);
        assertThat(listed.body()).contains("nightly export").doesNotContain(token).doesNotContain(stored);

        // it acts as the curator: reads, and a curator's state change, audited in the owner's name
        assertThat(send("GET", "/api/sources?limit=1", "Bearer " + token, null).statusCode()).isEqualTo(200);
        HttpResponse<String> recaption = send("POST", "/api/sources/recaption", "Bearer " + token, "{\"sourceIds\":[]}");
        assertThat(recaption.statusCode()).as(recaption.body()).isEqualTo(200);
        assertThat(send("GET", "/api/admin/runners", "Bearer " + token, null).statusCode()).as("not an admin").isEqualTo(403);
        assertThat(jdbc.sql("select last_used_at is not null from api_tokens where id = :id").param("id", id)
                .query(Boolean.class).single()).as("last use noted").isTrue();
        assertThat(send("POST", "/api/tokens", "Bearer " + token, "{\"name\":\"child\"}").statusCode())
                .as("a token cannot make tokens").isEqualTo(403);

        // revoked: the next call is 401, said as a problem detail
        assertThat(send("DELETE", "/api/tokens/" + id, user("tokens-other", Role.CURATOR), null).statusCode())
                .as("another user's token is not theirs to revoke").isEqualTo(404);
        HttpResponse<String> revoked = send("DELETE", "/api/tokens/" + id, curator, null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.body()).contains("\"state\":\"revoked\"");
        HttpResponse<String> refused = send("GET", "/api/sources?limit=1", "Bearer " + token, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(refused.body()).contains("revoked");

        assertThat(audit.recent(30, 0)).filteredOn(e -> e.entity().equals("api-token") && String.valueOf(id).equals(e.entityId()))
                .extracting(AuditLog.Entry::action).contains("api-token.create", "api-token.revoke");
        assertThat(audit.recent(30, 0)).filteredOn(e -> e.entity().equals("api-token") && String.valueOf(id).equals(e.entityId()))
                .allSatisfy(e -> assertThat(e.actor()).isEqualTo("tokens-curator"))
                .allSatisfy(e -> assertThat(String.valueOf(e.before()) + e.after()).doesNotContain(token.substring(12)));
        assertThat(output.getAll()).as("the token never reaches the log").doesNotContain(token.substring(12));
    }

    @Test
    void aTokenCarriesAtMostItsOwnersRoleAndFollowsTheOwnerDown() throws Exception {
        String viewer = user("tokens-viewer", Role.VIEWER);
        HttpResponse<String> tooHigh = send("POST", "/api/tokens", viewer, "{\"name\":\"x\",\"role\":\"ADMIN\"}");
        assertThat(tooHigh.statusCode()).isEqualTo(400);
        assertThat(tooHigh.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(tooHigh.body()).contains("at most its owner's role").contains("VIEWER");
        assertThat(send("POST", "/api/tokens", viewer, "{\"name\":\"x\",\"owner\":\"admin\"}").statusCode())
                .as("only admins make tokens for others").isEqualTo(403);
        assertThat(send("POST", "/api/tokens", viewer, "{\"name\":\"x\",\"role\":\"KING\"}").body()).contains("not a role");
        assertThat(send("POST", "/api/tokens", viewer, "{\"name\":\"\"}").body()).contains("token name");
        assertThat(send("POST", "/api/tokens", viewer, "{\"name\":\"x\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}").body())
                .contains("not in the future");

        // an admin makes tokens for others, never above the owner's role
        user("tokens-promoted", Role.CURATOR);
        assertThat(send("POST", "/api/tokens", ADMIN, "{\"name\":\"x\",\"owner\":\"tokens-promoted\",\"role\":\"ADMIN\"}")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> forCurator = send("POST", "/api/tokens", ADMIN, "{\"name\":\"made by admin\",\"owner\":\"tokens-promoted\"}");
        assertThat(forCurator.statusCode()).as(forCurator.body()).isEqualTo(201);
        assertThat(forCurator.body()).contains("\"owner\":\"tokens-promoted\"").contains("\"createdBy\":\"admin\"")
                .contains("\"role\":\"CURATOR\"");
        String token = field(forCurator.body(), "token");
        assertThat(send("POST", "/api/sources/recaption", "Bearer " + token, "{\"sourceIds\":[]}").statusCode()).isEqualTo(200);

        // the owner demoted to viewer: the token acts as a viewer now; disabled: refused
        long owner = users.findByUsername("tokens-promoted").orElseThrow().id();
        asAdmin(() -> users.changeRole(owner, Role.VIEWER));
        assertThat(send("POST", "/api/sources/recaption", "Bearer " + token, "{\"sourceIds\":[]}").statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/sources?limit=1", "Bearer " + token, null).statusCode()).isEqualTo(200);
        asAdmin(() -> users.setEnabled(owner, false));
        HttpResponse<String> disabled = send("GET", "/api/sources?limit=1", "Bearer " + token, null);
        assertThat(disabled.statusCode()).isEqualTo(401);
        assertThat(disabled.body()).contains("disabled");

        // admins see everyone's tokens, others may not
        assertThat(send("GET", "/api/admin/tokens", ADMIN, null).body()).contains("made by admin");
        assertThat(send("GET", "/api/admin/tokens", viewer, null).statusCode()).isEqualTo(403);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String viewer = user("tokens-expiring", Role.VIEWER);
        HttpResponse<String> made = send("POST", "/api/tokens", viewer, "{\"name\":\"short\",\"expiresInDays\":1}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String token = field(made.body(), "token");
        assertThat(send("GET", "/api/sources?limit=1", "Bearer " + token, null).statusCode()).isEqualTo(200);
        jdbc.sql("update api_tokens set expires_at = now() - interval '1 second' where id = :id")
                .param("id", Long.parseLong(number(made.body(), "id"))).update();
        HttpResponse<String> expired = send("GET", "/api/sources?limit=1", "Bearer " + token, null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("expired");
        assertThat(send("GET", "/api/tokens", viewer, null).body()).contains("\"state\":\"expired\"");
    }

    @Test
    void badTokensCountAgainstTheClientAddressUntilItIsLockedOut() throws Exception {
        String viewer = user("tokens-throttled", Role.VIEWER);
        String token = field(send("POST", "/api/tokens", viewer, "{\"name\":\"good\"}").body(), "token");
        for (int i = 0; i < perAddress; i++) {
            HttpResponse<String> bad = send("GET", "/api/sources?limit=1", "Bearer dtu_guess" + i, null);
            assertThat(bad.statusCode()).as("guess " + i).isEqualTo(401);
            assertThat(bad.headers().allValues("WWW-Authenticate")).noneMatch(v -> v.toLowerCase().startsWith("basic"));
        }
        HttpResponse<String> locked = send("GET", "/api/sources?limit=1", "Bearer " + token, null);
        assertThat(locked.statusCode()).as("even the good token, from the locked address").isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.body()).contains("too many failed sign-ins");
        assertThat(throttle.lockouts()).extracting(LoginThrottle.Lockout::key).contains("address:127.0.0.1");
        throttle.clear();
        assertThat(send("GET", "/api/sources?limit=1", "Bearer " + token, null).statusCode()).isEqualTo(200);
    }

    /** Runs service calls as the admin, as the dashboard would. */
    private static void asAdmin(Runnable action) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated("admin", null,
                AuthorityUtils.createAuthorityList(Role.ADMIN.authority())));
        try {
            action.run();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization, @Nullable String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", authorization)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    private static String number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
