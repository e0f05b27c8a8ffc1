package dev.ditto.web;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.runners.RunnerTokens;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.ApiTokens;
import dev.ditto.users.LoginThrottle;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Who may call what, checked against the server's own handler mappings: every endpoint that Spring MVC and the
 * actuator map at runtime must have a rule in {@link #RULES} (a new endpoint without one fails
 * {@link #everyMappedEndpointHasARuleAndEveryRuleAnEndpoint()}), and each is called as anonymous, viewer, curator
 * and admin (HTTP Basic), a runner token, an API token of each role and the admin's dashboard session (with its CSRF
 * token), expecting 401/403 exactly where the rule refuses. Then the cross-site cases: the session without its CSRF
 * token, a form-typed body, a browser's {@code Sec-Fetch-Site: cross-site}, and no Basic challenge anywhere.
 */
@DittoIntegrationTest
class EndpointAccessIT {

    /** Who an endpoint lets in. */
    enum Rule {
        /** everybody, signed in or not */
        PUBLIC,
        /** any signed-in user: viewer, curator, admin (password, session or API token) */
        VIEWER,
        /** curators and admins */
        CURATOR,
        /** admins */
        ADMIN,
        /** leads: admins, and curators an admin marked as lead (the matrix's curator is not one) */
        LEAD,
        /** any signed-in user, but not with an API token (a token cannot make tokens) */
        USER_NOT_TOKEN,
        /** runner tokens only */
        RUNNER
    }

    /** The expected rule of every mapped endpoint, "METHOD pattern" ("ANY" when the mapping names no method). */
    static final Map<String, Rule> RULES = Map.ofEntries(
            // the server's own
            entry("ANY /error", Rule.PUBLIC),
            entry("ANY /api/**", Rule.VIEWER), // unknown API paths: a 404 problem to a signed-in user
            entry("ANY /actuator/**", Rule.ADMIN), // unknown actuator paths
            // actuator
            entry("GET /actuator", Rule.ADMIN),
            entry("GET /actuator/health", Rule.PUBLIC),
            entry("GET /actuator/health/**", Rule.PUBLIC),
            entry("GET /actuator/info", Rule.PUBLIC),
            entry("GET /actuator/prometheus", Rule.ADMIN),
            entry("GET /actuator/metrics", Rule.ADMIN),
            entry("GET /actuator/metrics/{requiredMetricName}", Rule.ADMIN),
            // API tokens
            entry("POST /api/tokens", Rule.USER_NOT_TOKEN),
            entry("GET /api/tokens", Rule.VIEWER),
            entry("DELETE /api/tokens/{id}", Rule.VIEWER),
            entry("GET /api/admin/tokens", Rule.ADMIN),
            entry("GET /api/session/csrf", Rule.VIEWER),
            // jobs, lockouts, settings, imports, runners (admin)
            entry("GET /api/admin/jobs/stats", Rule.ADMIN),
            entry("GET /api/admin/jobs", Rule.ADMIN),
            entry("GET /api/admin/jobs/{id}", Rule.ADMIN),
            entry("POST /api/admin/jobs/{id}/retry", Rule.ADMIN),
            entry("POST /api/admin/jobs/{id}/drop", Rule.ADMIN),
            entry("GET /api/admin/lockouts", Rule.ADMIN),
            entry("DELETE /api/admin/lockouts/{key}", Rule.ADMIN),
            entry("GET /api/admin/settings", Rule.ADMIN),
            entry("PUT /api/admin/settings/{key}", Rule.ADMIN),
            entry("DELETE /api/admin/settings/{key}", Rule.ADMIN),
            entry("POST /api/admin/imports/folder", Rule.ADMIN),
            entry("POST /api/admin/imports/urls", Rule.ADMIN),
            entry("POST /api/admin/runners", Rule.ADMIN),
            entry("GET /api/admin/runners", Rule.ADMIN),
            entry("GET /api/admin/runners/{id}", Rule.ADMIN),
            entry("DELETE /api/admin/runners/{id}", Rule.ADMIN),
            entry("POST /api/admin/runners/{id}/revoke", Rule.ADMIN),
            entry("GET /api/admin/judge/calibration", Rule.ADMIN),
            entry("POST /api/admin/judge/calibration/apply", Rule.ADMIN),
            entry("POST /api/admin/search/reindex", Rule.ADMIN),
            entry("GET /api/admin/search/status", Rule.ADMIN),
            // releases
            entry("POST /api/releases", Rule.ADMIN),
            entry("GET /api/releases", Rule.VIEWER),
            entry("GET /api/releases/{id}", Rule.VIEWER),
            entry("GET /api/releases/{id}/diff", Rule.VIEWER),
            entry("GET /api/releases/{id}/diff.csv", Rule.VIEWER),
            entry("PATCH /api/releases/{id}", Rule.ADMIN),
            entry("POST /api/releases/{id}/publish", Rule.ADMIN),
            entry("GET /api/publications/{id}", Rule.VIEWER),
            entry("POST /api/publications/{id}/resume", Rule.ADMIN),
            // search, curation, samples, campaigns
            entry("GET /api/search", Rule.VIEWER),
            entry("POST /api/search", Rule.VIEWER),
            entry("GET /api/search/similar/{sampleId}", Rule.VIEWER),
            entry("POST /api/curation/tags", Rule.CURATOR),
            entry("GET /api/curation/agreement", Rule.VIEWER),
            entry("POST /api/curation/next", Rule.CURATOR),
            entry("POST /api/curation/samples/{sampleId}/decision", Rule.CURATOR),
            entry("POST /api/curation/undo", Rule.CURATOR),
            entry("POST /api/curation/batches/count", Rule.CURATOR),
            entry("POST /api/curation/batches", Rule.CURATOR),
            entry("GET /api/curation/batches", Rule.VIEWER),
            entry("GET /api/curation/batches/{id}", Rule.VIEWER),
            entry("GET /api/curation/batches/{id}/skipped", Rule.VIEWER),
            entry("POST /api/curation/batches/{id}/undo", Rule.CURATOR),
            entry("GET /api/curation/agreement/over-time", Rule.VIEWER),
            entry("GET /api/curation/leads", Rule.VIEWER),
            entry("PUT /api/curation/leads/{username}", Rule.ADMIN),
            entry("GET /api/curation/assignments", Rule.VIEWER),
            entry("POST /api/curation/assignments", Rule.LEAD),
            entry("DELETE /api/curation/assignments/{id}", Rule.LEAD),
            entry("GET /api/curation/adjudications", Rule.VIEWER),
            entry("GET /api/curation/adjudications/{sampleId}", Rule.VIEWER),
            entry("POST /api/curation/adjudications/next", Rule.LEAD),
            entry("POST /api/curation/adjudications/{sampleId}/decision", Rule.LEAD),
            entry("POST /api/curation/rechecks/draw", Rule.LEAD),
            entry("GET /api/curation/rechecks", Rule.VIEWER),
            entry("POST /api/curation/rechecks/next", Rule.LEAD),
            entry("POST /api/curation/rechecks/{id}/decision", Rule.LEAD),
            entry("GET /api/admin/users", Rule.ADMIN),
            entry("POST /api/admin/users", Rule.ADMIN),
            entry("PUT /api/admin/users/{id}/role", Rule.ADMIN),
            entry("POST /api/samples/{id}/regenerate", Rule.CURATOR),
            entry("GET /api/campaigns/coverage", Rule.VIEWER),
            entry("POST /api/campaigns/fill-gaps", Rule.CURATOR),
            entry("GET /api/campaigns/advice", Rule.CURATOR),
            entry("POST /api/campaigns", Rule.CURATOR),
            entry("GET /api/campaigns", Rule.VIEWER),
            entry("GET /api/campaigns/{id}", Rule.VIEWER),
            entry("GET /api/campaigns/{id}/instructions", Rule.VIEWER),
            // sources
            entry("POST /api/sources", Rule.CURATOR),
            entry("GET /api/sources", Rule.VIEWER),
            entry("GET /api/sources/{id}", Rule.VIEWER),
            entry("PUT /api/sources/{id}/caption", Rule.CURATOR),
            entry("POST /api/sources/recaption", Rule.CURATOR),
            entry("GET /api/sources/page", Rule.VIEWER),
            entry("POST /api/sources/{id}/release", Rule.ADMIN),
            entry("POST /api/sources/{id}/archive", Rule.ADMIN),
            entry("POST /api/sources/filters/reevaluate", Rule.ADMIN),
            entry("GET /api/sources/filters", Rule.VIEWER),
            // the OpenAPI document of the whole API, generated by springdoc
            entry("GET /api/openapi", Rule.PUBLIC),
            entry("GET /api/openapi.yaml", Rule.PUBLIC),
            // media
            entry("GET /media/blobs/{key}", Rule.VIEWER),
            // the runner protocol
            entry("GET /api/runner/openapi.yaml", Rule.PUBLIC),
            entry("POST /api/runner/register", Rule.RUNNER),
            entry("POST /api/runner/claim", Rule.RUNNER),
            entry("POST /api/runner/jobs/{jobId}/heartbeat", Rule.RUNNER),
            entry("PUT /api/runner/jobs/{jobId}/artifacts/{name}", Rule.RUNNER),
            entry("POST /api/runner/jobs/{jobId}/artifacts/{name}/upload-url", Rule.RUNNER),
            entry("POST /api/runner/jobs/{jobId}/artifacts/{name}/uploaded", Rule.RUNNER),
            entry("POST /api/runner/jobs/{jobId}/complete", Rule.RUNNER),
            entry("POST /api/runner/jobs/{jobId}/fail", Rule.RUNNER),
            entry("GET /api/runner/blobs/{key}", Rule.RUNNER));

    /** How a caller signs in: {@code role} null for nobody; {@code kind} for the rules that care. */
    enum Kind { ANONYMOUS, PASSWORD, API_TOKEN, SESSION, RUNNER }

    record Caller(String name, Kind kind, @Nullable Role role, Map<String, String> headers) {}

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    @LocalServerPort int port;
    @Autowired ApplicationContext context;
    @Autowired UserService users;
    @Autowired ApiTokens apiTokens;
    @Autowired RunnerTokens runnerTokens;
    @Autowired LoginThrottle throttle;

    @BeforeEach
    @AfterEach
    void forgetFailures() {
        throttle.clear();
    }

    /** "METHOD pattern" of every handler method that Spring MVC and the actuator map (all handler mappings). */
    private Set<String> mapped() {
        Set<String> keys = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (methods.isEmpty()) {
                        keys.add("ANY " + pattern);
                    }
                    methods.forEach(m -> keys.add(m.name() + " " + pattern));
                }
            }
        }
        return keys;
    }

    /** The mapped endpoints that have no rule. */
    private static Set<String> withoutRule(Set<String> mapped, Map<String, Rule> rules) {
        Set<String> missing = new TreeSet<>(mapped);
        missing.removeAll(rules.keySet());
        return missing;
    }

    @Test
    void everyMappedEndpointHasARuleAndEveryRuleAnEndpoint() {
        Set<String> mapped = mapped();
        assertThat(mapped).as("the handler mappings were read").hasSizeGreaterThan(50);
        assertThat(withoutRule(mapped, RULES)).as("endpoints without a declared rule: add each to EndpointAccessIT.RULES").isEmpty();
        Set<String> stale = new TreeSet<>(RULES.keySet());
        stale.removeAll(mapped);
        assertThat(stale).as("rules of endpoints that are no longer mapped").isEmpty();
    }

    @Test
    void anEndpointWithoutARuleIsReported() {
        // as if POST /api/tokens and the actuator's metrics were new endpoints nobody declared a rule for
        Map<String, Rule> lacking = new TreeMap<>(RULES);
        lacking.remove("POST /api/tokens");
        lacking.remove("GET /actuator/metrics");
        assertThat(withoutRule(mapped(), lacking)).containsExactly("GET /actuator/metrics", "POST /api/tokens");
    }

    @Test
    void everyEndpointLetsInExactlyWhoItsRuleSays() throws Exception {
        List<Caller> callers = callers();
        List<String> wrong = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        int calls = 0;
        for (String key : new TreeSet<>(mapped())) {
            Rule rule = RULES.get(key);
            if (rule == null) {
                continue; // reported by the test above
            }
            String method = key.substring(0, key.indexOf(' '));
            String path = concrete(key.substring(key.indexOf(' ') + 1));
            for (String m : method.equals("ANY") ? List.of("GET", "POST") : List.of(method)) {
                for (Caller caller : callers) {
                    HttpResponse<String> r = call(m, path, caller);
                    calls++;
                    throttle.clear(); // a runner token on the API counts as a bad token; 80 of them would lock 127.0.0.1
                    boolean allowed = allowed(rule, caller, path);
                    int status = r.statusCode();
                    if (status >= 500 && !path.equals("/error")) { // /error called directly has no error to show
                        broken.add(m + " " + path + " as " + caller.name() + ": " + status);
                    }
                    if (allowed ? status == 401 || status == 403 || status == 429 : status != refusal(rule, caller, path)) {
                        wrong.add(m + " " + path + " as " + caller.name() + ": " + status + ", expected "
                                + (allowed ? "allowed" : String.valueOf(refusal(rule, caller, path))) + " (" + rule + ") "
                                + r.body().substring(0, Math.min(200, r.body().length())));
                    }
                }
            }
        }
        assertThat(calls).isGreaterThan(700);
        assertThat(wrong).as("calls answered against their rule").isEmpty();
        assertThat(broken).as("an empty JSON body or an id that exists nowhere is a 4xx, never a server error").isEmpty();
    }

    private static boolean allowed(Rule rule, Caller caller, String path) {
        Role role = effectiveRole(caller, path);
        return switch (rule) {
            // a bearer token the path's API does not know is refused before the path is looked at: a user's API token
            // on the runner protocol, a runner's token on the user API (the public OpenAPI documents included)
            case PUBLIC -> !(caller.kind() == Kind.API_TOKEN && path.startsWith("/api/runner/"))
                    && !(caller.kind() == Kind.RUNNER && path.startsWith("/api/") && !path.startsWith("/api/runner/"));
            case RUNNER -> caller.kind() == Kind.RUNNER;
            case VIEWER -> role != null;
            case USER_NOT_TOKEN -> role != null && caller.kind() != Kind.API_TOKEN;
            case CURATOR -> role == Role.CURATOR || role == Role.ADMIN;
            case ADMIN -> role == Role.ADMIN;
            // every API token here is the admin's, and an admin is a lead: a CURATOR token of theirs acts as a lead
            case LEAD -> role == Role.ADMIN || role == Role.CURATOR && caller.kind() == Kind.API_TOKEN;
        };
    }

    /** The role the caller has on this path: the session counts only on /api (not the runner protocol) and /media. */
    private static @Nullable Role effectiveRole(Caller caller, String path) {
        if (caller.kind() == Kind.SESSION && (path.startsWith("/actuator") || path.startsWith("/api/runner/"))) {
            return null;
        }
        return caller.role();
    }

    /** 401 to whoever is not signed in here (the runner protocol knows no users), 403 to a role that may not. */
    private static int refusal(Rule rule, Caller caller, String path) {
        return effectiveRole(caller, path) == null || rule == Rule.RUNNER || rule == Rule.PUBLIC ? 401 : 403;
    }

    /** The pattern with its variables filled in: ids that exist nowhere, so no call changes anything that exists. */
    private static String concrete(String pattern) {
        Matcher m = Pattern.compile("\\{\\*?([^}]+)}").matcher(pattern.replace("/**", "/no-such-thing"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(1).toLowerCase().endsWith("id") ? "999999" : "none");
        }
        m.appendTail(out);
        return out.toString();
    }

    private List<Caller> callers() throws Exception {
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller("anonymous", Kind.ANONYMOUS, null, Map.of()));
        for (Role role : Role.values()) {
            String name = "matrix-" + role.name().toLowerCase();
            if (users.findByUsername(name).isEmpty()) {
                users.create(name, "password-" + name, role, null);
            }
            callers.add(new Caller(name + " (password)", Kind.PASSWORD, role, Map.of("Authorization", basic(name, "password-" + name))));
        }
        asAdmin();
        try {
            for (Role role : Role.values()) {
                String token = apiTokens.create("admin", "matrix " + role, role, null).token();
                callers.add(new Caller("admin's " + role + " API token", Kind.API_TOKEN, role, Map.of("Authorization", "Bearer " + token)));
            }
            callers.add(new Caller("runner token", Kind.RUNNER, null,
                    Map.of("Authorization", "Bearer " + runnerTokens.create("matrix-runner-" + System.nanoTime()).token())));
        } finally {
            SecurityContextHolder.clearContext();
        }
        Session session = signIn("admin", "admin-test-password", null);
        callers.add(new Caller("admin's dashboard session with its CSRF token", Kind.SESSION, Role.ADMIN,
                Map.of("Cookie", session.cookie(), "X-CSRF-TOKEN", csrf(session))));
        return callers;
    }

    static void asAdmin() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated("admin", null,
                AuthorityUtils.createAuthorityList(Role.ADMIN.authority())));
    }

    // ---- the cross-site cases ----

    @Test
    void theSessionCookieAloneCannotChangeStateButWithItsCsrfTokenItCan() throws Exception {
        Session session = signIn("admin", "admin-test-password", null);
        Map<String, String> cookie = Map.of("Cookie", session.cookie());
        assertThat(send("GET", "/api/admin/runners", cookie, null, null).statusCode()).as("reading with the session").isEqualTo(200);

        // the forged form: the browser sends the cookie, the page cannot know the token
        HttpResponse<String> forged = send("POST", "/api/admin/runners", cookie, "application/json", "{\"name\":\"forged\"}");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(forged.body()).contains("CSRF token").contains("X-CSRF-TOKEN").contains("Bearer");
        HttpResponse<String> revoke = send("POST", "/api/admin/runners/999999/revoke", cookie, null, null);
        assertThat(revoke.statusCode()).as("a body-less POST such as revoke").isEqualTo(403);
        HttpResponse<String> plain = send("POST", "/api/admin/runners", cookie, "text/plain", "{\"name\":\"forged\"}");
        assertThat(plain.statusCode()).as("a text/plain form").isEqualTo(403);
        HttpResponse<String> upload = send("POST", "/api/sources?name=forged.mp4", cookie, "text/plain", "not a video");
        assertThat(upload.statusCode()).as("the raw upload as a cross-site form").isEqualTo(403);

        Map<String, String> withToken = Map.of("Cookie", session.cookie(), "X-CSRF-TOKEN", csrf(session));
        HttpResponse<String> made = send("POST", "/api/admin/runners", withToken, "application/json",
                "{\"name\":\"csrf-ok-" + System.nanoTime() + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(made.headers().allValues("Set-Cookie")).as("the API writes no session").isEmpty();
        HttpResponse<String> wrongToken = send("POST", "/api/admin/runners", Map.of("Cookie", session.cookie(),
                "X-CSRF-TOKEN", "not-the-token"), "application/json", "{\"name\":\"forged\"}");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> noSession = send("GET", "/api/session/csrf", Map.of("Authorization", basic("admin", "admin-test-password")), null, null);
        assertThat(noSession.statusCode()).as("no session, no CSRF token").isEqualTo(400);
        assertThat(noSession.body()).contains("need no CSRF token");
    }

    @Test
    void jsonEndpointsRefuseFormTypesAndSoDoesTheRawUpload() throws Exception {
        Map<String, String> admin = Map.of("Authorization", basic("admin", "admin-test-password"));
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = send("POST", "/api/admin/runners", admin, type, "{\"name\":\"typed\"}");
            assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(415);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
            assertThat(r.body()).contains("application/json");
            HttpResponse<String> upload = send("POST", "/api/sources?name=typed.mp4", admin, type, "not a video");
            assertThat(upload.statusCode()).as("upload as " + type + ": " + upload.body()).isEqualTo(415);
            assertThat(upload.body()).contains("application/octet-stream");
        }
        asAdmin();
        String runner;
        try {
            runner = "Bearer " + runnerTokens.create("typed-runner-" + System.nanoTime()).token();
        } finally {
            SecurityContextHolder.clearContext();
        }
        HttpResponse<String> claim = send("POST", "/api/runner/claim", Map.of("Authorization", runner), "text/plain", "{}");
        assertThat(claim.statusCode()).as("the runner protocol, in its own words: " + claim.body()).isEqualTo(415);
        assertThat(claim.body()).contains("unsupported_media_type");
    }

    @Test
    void aBrowserMarkedCrossSiteStateChangeIsRefusedWhateverItCarries() throws Exception {
        Map<String, String> cachedBasic = new LinkedHashMap<>();
        cachedBasic.put("Authorization", basic("admin", "admin-test-password"));
        cachedBasic.put("Sec-Fetch-Site", "cross-site");
        HttpResponse<String> r = send("POST", "/api/admin/runners/999999/revoke", cachedBasic, null, null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("another site");
        cachedBasic.put("Sec-Fetch-Site", "same-origin");
        assertThat(send("POST", "/api/admin/runners/999999/revoke", cachedBasic, null, null).statusCode())
                .as("the same request from the server's own pages").isNotIn(401, 403);
        cachedBasic.put("Sec-Fetch-Site", "cross-site");
        assertThat(send("GET", "/api/admin/runners", cachedBasic, null, null).statusCode()).as("reading").isEqualTo(200);
    }

    @Test
    void noAnswerChallengesForBasicSoBrowsersNeverCacheIt() throws Exception {
        for (String path : List.of("/api/sources", "/api/admin/runners", "/actuator/metrics", "/media/blobs/none",
                "/api/no-such-thing")) {
            for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Authorization", basic("admin", "wrong")),
                    Map.of("Authorization", "Bearer " + ApiTokens.PREFIX + "wrong"))) {
                HttpResponse<String> r = send("GET", path, headers, null, null);
                throttle.clear();
                assertThat(r.statusCode()).as(path + " " + headers).isEqualTo(401);
                assertThat(r.headers().allValues("WWW-Authenticate")).as(path).isNotEmpty()
                        .allMatch(v -> v.startsWith("Bearer realm=\"Ditto\""));
                assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).contains("application/problem+json");
            }
        }
    }

    // ---- the session cookie ----

    @Test
    void theSessionCookieIsHttpOnlyLaxAndSecureBehindATlsProxy() throws Exception {
        String plain = signIn("admin", "admin-test-password", null).setCookie();
        assertThat(plain).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        String proxied = signIn("admin", "admin-test-password", "https").setCookie();
        assertThat(proxied).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("; Secure");
    }

    // ---- helpers ----

    record Session(String cookie, String setCookie) {}

    private Session signIn(String username, String password, @Nullable String forwardedProto) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + password));
        if (forwardedProto != null) {
            b.header("X-Forwarded-Proto", forwardedProto);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("signed in").isEqualTo(204);
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + r.headers().map()));
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), setCookie);
    }

    private String csrf(Session session) throws Exception {
        HttpResponse<String> r = send("GET", "/api/session/csrf", Map.of("Cookie", session.cookie()), null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> call(String method, String path, Caller caller) throws IOException, InterruptedException {
        boolean body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return send(method, path, caller.headers(), body ? "application/json" : null, body ? "{}" : null);
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, @Nullable String type,
                                      @Nullable String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        new TreeMap<>(headers).forEach(b::header);
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
