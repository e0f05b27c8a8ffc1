package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An admin makes a personal API token in the dashboard (shown once), a script uses it to read and to change state,
 * a page of another site cannot make the admin's browser do the same, and once the token is revoked in the dashboard
 * the same call is 401. The launcher's commands that call the API ({@code ./ditto reindex}, {@code status}) still work.
 */
class ApiTokenJourneyIT extends BrowserJourney {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anAdminMakesAnApiTokenAScriptUsesItAndRevokingItInTheDashboardStopsIt() throws Exception {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/account/tokens");
        String name = "e2e script " + Long.toString(System.nanoTime(), 36);
        page.locator("[data-testid=api-token-name] input").fill(name);
        page.locator("[data-testid=api-token-create]").click();

        Locator value = page.locator("[data-testid=api-token-value] input");
        assertThat(value).hasValue(Pattern.compile("^dtu_[A-Za-z0-9_-]{40,}$"));
        assertThat(page.locator("[data-testid=api-token-copy]")).isVisible();
        String token = value.inputValue();
        snap("1-token-shown-once");
        page.locator("[data-testid=api-token-close]").click();
        assertThat(page.locator("[data-testid=api-token-value]")).hasCount(0);
        Locator row = page.locator("[data-testid=api-token-row]", new Page.LocatorOptions().setHasText(name));
        assertThat(row).hasAttribute("data-state", "active");
        assertThat(page.locator("[data-testid=api-token-grid]")).containsText(token.substring(0, 12) + "…");
        org.assertj.core.api.Assertions.assertThat(page.content()).as("never shown again").doesNotContain(token);

        // a script with the token: reads, and changes state (makes a runner)
        HttpResponse<String> read = call("GET", "/api/admin/runners", token, null);
        org.assertj.core.api.Assertions.assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        String runnerName = "made-with-token-" + Long.toString(System.nanoTime(), 36);
        HttpResponse<String> made = call("POST", "/api/admin/runners", token, "{\"name\":\"" + runnerName + "\"}");
        org.assertj.core.api.Assertions.assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(made.body());
        org.assertj.core.api.Assertions.assertThat(id.find()).isTrue();
        String runnerId = id.group(1);

        // the admin's browser holds the dashboard session: its cookie alone cannot change state on the API ...
        APIResponse withCookie = page.request().post(platform.baseUrl + "/api/admin/runners/" + runnerId + "/revoke",
                RequestOptions.create().setMaxRedirects(0));
        org.assertj.core.api.Assertions.assertThat(withCookie.status()).as(withCookie.text()).isEqualTo(403);
        org.assertj.core.api.Assertions.assertThat(withCookie.text()).contains("CSRF token");
        // ... nor can a form of the server's own origin that lacks the token ...
        Response sameOrigin = submitForm(runnerId);
        org.assertj.core.api.Assertions.assertThat(sameOrigin.status()).as("a same-origin form without the token").isEqualTo(403);
        org.assertj.core.api.Assertions.assertThat(sameOrigin.text()).contains("CSRF token");
        // ... nor a page of another site (localhost is another site than 127.0.0.1) that submits a form to it
        page.navigate(platform.baseUrl.replace("127.0.0.1", "localhost") + "/actuator/health");
        Response crossSite = submitForm(runnerId);
        org.assertj.core.api.Assertions.assertThat(crossSite.status()).as("the forged cross-site form post").isEqualTo(403);
        org.assertj.core.api.Assertions.assertThat(crossSite.text()).contains("another site");
        snap("2-forged-form-refused");
        org.assertj.core.api.Assertions.assertThat(call("GET", "/api/admin/runners/" + runnerId, token, null).body())
                .as("the runner is not revoked").doesNotContain("\"revokedAt\":\"");

        // revoked in the dashboard: the same call is now 401
        page.navigate(platform.baseUrl + "/account/tokens");
        String tokenId = row.getAttribute("data-token-id");
        page.locator("[data-testid=api-token-revoke-" + tokenId + "]").click();
        page.locator("[data-testid=api-token-revoke-confirm] [slot=confirm-button], vaadin-confirm-dialog-overlay [slot=confirm-button]")
                .first().click();
        assertThat(row).hasAttribute("data-state", "revoked");
        snap("3-revoked");
        HttpResponse<String> refused = call("GET", "/api/admin/runners", token, null);
        org.assertj.core.api.Assertions.assertThat(refused.statusCode()).isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(refused.body()).contains("revoked");
        org.assertj.core.api.Assertions.assertThat(refused.headers().allValues("WWW-Authenticate"))
                .noneMatch(v -> v.toLowerCase().startsWith("basic"));
        org.assertj.core.api.Assertions.assertThat(call("POST", "/api/admin/runners", token, "{\"name\":\"too-late\"}").statusCode())
                .isEqualTo(401);

        // both are in the audit log, in the admin's name
        page.navigate(platform.baseUrl + "/audit");
        assertThat(page.locator("[data-testid=audit-grid]")).containsText("api-token.create");
        assertThat(page.locator("[data-testid=audit-grid]")).containsText("api-token.revoke");
    }

    /** {@code ./ditto reindex} (HTTP Basic sent by curl, no challenge needed) and {@code ./ditto status} still work. */
    @Test
    void theLaunchersCommandsStillWork() throws Exception {
        for (String command : java.util.List.of("reindex", "status")) {
            ProcessBuilder ditto = new ProcessBuilder(platform.root.resolve("ditto").toString(), command).redirectErrorStream(true);
            ditto.environment().put("DITTO_PORT", String.valueOf(platform.port));
            ditto.environment().put("DITTO_ADMIN_PASSWORD", RunningPlatform.ADMIN_PASSWORD);
            Process p = ditto.start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            org.assertj.core.api.Assertions.assertThat(p.waitFor()).as("./ditto " + command + ": " + output).isZero();
            org.assertj.core.api.Assertions.assertThat(output).as(command).isNotBlank().doesNotContain("401");
        }
    }

    /** Puts a form that posts to the runner's revoke into the current page, as an attacker's page would, and submits it. */
    private Response submitForm(String runnerId) {
        page.setContent("<form id=f method=POST action='" + platform.baseUrl + "/api/admin/runners/" + runnerId
                + "/revoke'></form>");
        return page.waitForResponse(r -> r.url().endsWith("/revoke"), () -> page.evaluate("document.getElementById('f').submit()"));
    }

    private HttpResponse<String> call(String method, String path, String token, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.baseUrl + path)).header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
