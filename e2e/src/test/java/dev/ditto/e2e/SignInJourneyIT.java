package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import org.junit.jupiter.api.Test;

class SignInJourneyIT extends BrowserJourney {

    @Test
    void anAdminSignsInAndSeesTheOverview() {
        page.navigate(platform.baseUrl + "/");
        assertThat(page.locator("vaadin-login-form")).isVisible();
        snap("1-login");

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);

        assertThat(page.locator("[data-testid=current-user]")).hasText("admin");
        assertThat(page.locator("[data-testid=card-sources]")).containsText("Sources");
        snap("2-overview");
    }

    @Test
    void aWrongPasswordIsRefused() {
        page.navigate(platform.baseUrl + "/login");
        page.locator("vaadin-login-form input[name=username]").fill("admin");
        page.locator("vaadin-login-form input[name=password]").fill("not-the-password");
        page.locator("vaadin-login-form vaadin-button[slot=submit], vaadin-login-form button[type=submit]").first().click();

        page.waitForURL(url -> url.contains("error"));
        assertThat(page.locator("vaadin-login-form")).isVisible();
        snap("refused");
    }
}
