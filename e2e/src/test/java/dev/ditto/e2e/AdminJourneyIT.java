package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * An admin creates a runner token (shown once, in a dialog) and revokes it; a URL import aimed at loopback is
 * refused; a setting is in effect as soon as it is saved, and an API key is never shown again; a script's bad request
 * is answered with its reason and the status that fits.
 */
class AdminJourneyIT extends BrowserJourney {

    @Test
    void anAdminCreatesARunnerTokenSeesItOnceAndRevokesIt() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/admin/runners");
        page.locator("[data-testid=token-name] input").fill("e2e-box");
        page.locator("[data-testid=token-create]").click();

        assertThat(page.locator("[data-testid=token-value] input")).hasValue(java.util.regex.Pattern.compile("^dtr_.{20,}"));
        assertThat(page.locator("[data-testid=token-copy]")).isVisible();
        snap("1-token-shown-once");
        page.locator("[data-testid=token-close]").click();
        assertThat(page.locator("[data-testid=token-value]")).hasCount(0);

        Locator row = page.locator("[data-testid=runner-name]", new com.microsoft.playwright.Page.LocatorOptions().setHasText("e2e-box"));
        assertThat(row).hasAttribute("data-state", "active");
        page.locator("[data-testid='token-revoke-e2e-box']").click();
        page.locator("[data-testid=token-revoke-confirm] [slot=confirm-button], vaadin-confirm-dialog-overlay [slot=confirm-button]").first().click();

        assertThat(row).hasAttribute("data-state", "revoked");
        assertThat(page.locator("[data-testid='token-revoke-e2e-box']")).isDisabled();
        snap("2-revoked");

    }

    @Test
    void aScriptWithABadRequestIsToldWhatIsWrongWithTheRightStatus() {
        Api api = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);

        HttpResponse<String> emptyRange = api.raw("POST", "/api/search",
                "{\"text\":\"snow\",\"scoreRanges\":[{\"field\":\"JUDGE_OVERALL\",\"min\":0.9,\"max\":0.1}]}");
        HttpResponse<String> unknownSample = api.raw("GET", "/api/search/similar/987654321", null);
        // errors Spring answers itself go through the error page: it must not ask for a dashboard session (it did: 403)
        HttpResponse<String> wrongMethod = api.raw("DELETE", "/api/search", null);
        HttpResponse<String> wrongPassword = new Api(platform.baseUrl, "admin", "not-the-password").raw("GET", "/api/search", null);

        org.assertj.core.api.Assertions.assertThat(emptyRange.statusCode()).isEqualTo(400);
        org.assertj.core.api.Assertions.assertThat(emptyRange.body()).contains("score range of JUDGE_OVERALL is empty");
        org.assertj.core.api.Assertions.assertThat(unknownSample.statusCode()).isEqualTo(404);
        org.assertj.core.api.Assertions.assertThat(unknownSample.body()).contains("sample 987654321 is not in the search index");
        org.assertj.core.api.Assertions.assertThat(wrongMethod.statusCode()).isEqualTo(405);
        org.assertj.core.api.Assertions.assertThat(wrongPassword.statusCode()).isEqualTo(401);
    }

    @Test
    void aUrlImportAimedAtLoopbackIsRefusedWithTheReason() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/admin/imports");
        page.locator("[data-testid=import-urls] textarea").fill(platform.baseUrl + "/actuator/health\nhttp://localhost:" + platform.port + "/x.mp4");
        page.locator("[data-testid=import-urls-start]").click();

        Locator results = page.locator("[data-testid=import-result]");
        assertThat(results).hasCount(2);
        assertThat(results.nth(0)).hasAttribute("data-outcome", "REFUSED");
        assertThat(results.nth(0)).containsText("loopback");
        assertThat(results.nth(1)).containsText("public addresses only");
        assertThat(page.locator("[data-testid=import-summary]")).containsText("0 imported");
        snap("refused");
    }

    @Test
    void aSavedSettingIsInEffectAtOnceAndAnApiKeyIsNeverShownAgain() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/admin/settings");
        assertThat(page.locator("[data-testid=in-force-judge]")).containsText("minimum overall 0.50");

        page.locator("[data-testid='setting-agent.judge-min-overall'] input").fill("0.7");
        page.locator("[data-testid='setting-save-agent.judge-min-overall']").click();
        assertThat(page.locator("[data-testid=in-force-judge]")).containsText("minimum overall 0.70");
        assertThat(page.locator("[data-testid='setting-applies-agent.judge-min-overall']")).hasText("in effect");

        String key = "sk-e2e-never-shown-" + System.nanoTime();
        page.locator("[data-testid='setting-agent.vision.api-key'] input").fill(key);
        page.locator("[data-testid='setting-save-agent.vision.api-key']").click();
        Locator keyField = page.locator("[data-testid='setting-agent.vision.api-key'] input");
        assertThat(keyField).hasAttribute("placeholder", "set (type to replace)");
        assertThat(keyField).hasValue("");
        snap("1-key-set");
        page.reload();
        assertThat(page.locator("[data-testid='setting-agent.vision.api-key'] input")).hasAttribute("placeholder", "set (type to replace)");
        org.assertj.core.api.Assertions.assertThat(page.content()).doesNotContain(key);

        page.locator("[data-testid='setting-clear-agent.vision.api-key']").click();
        assertThat(page.locator("[data-testid='setting-agent.vision.api-key'] input")).hasAttribute("placeholder", "not set");
        page.locator("[data-testid='setting-reset-agent.vision.api-key']").click();
        assertThat(page.locator("[data-testid='setting-reset-agent.vision.api-key']")).isDisabled();
        page.locator("[data-testid='setting-reset-agent.judge-min-overall']").click();
        assertThat(page.locator("[data-testid='setting-reset-agent.judge-min-overall']")).isDisabled();
        assertThat(page.locator("[data-testid=in-force-judge]")).containsText("minimum overall 0.50");
        snap("2-reset");
    }
}
