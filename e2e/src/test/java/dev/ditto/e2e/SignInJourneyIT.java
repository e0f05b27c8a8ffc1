package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.List;
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
    void aViewerSearchesButIsNeitherShownNorLetIntoReviewAuditOrAdministration() {
        String viewer = "vera-" + Long.toString(System.nanoTime(), 36);
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/admin/users");
        page.locator("[data-testid=user-create-username] input").fill(viewer);
        page.locator("[data-testid=user-create-display-name] input").fill("Vera Viewer");
        page.locator("[data-testid=user-create-password] input").fill("viewer-password-1");
        pickComboBoxItem("user-create-role", "VIEWER");
        page.locator("[data-testid=user-create]").click();
        assertThat(page.locator("[data-testid=user-grid]")).containsText(viewer);
        // the admin reads who created whom, and with which role, in the audit log
        page.navigate(platform.baseUrl + "/audit");
        assertThat(page.locator("[data-testid=audit-grid]")).containsText("user.create");
        assertThat(page.locator("[data-testid=audit-grid]")).containsText(viewer);
        snap("3-audit-user-created");

        page.context().clearCookies();
        signIn(viewer, "viewer-password-1");

        assertThat(page.locator("[data-testid=current-user]")).hasText(viewer);
        List<String> menu = page.locator("vaadin-side-nav-item").allTextContents().stream().map(String::strip).toList();
        org.assertj.core.api.Assertions.assertThat(menu).contains("Overview", "Search", "Sources", "Releases")
                .doesNotContain("Review", "Audit log", "Users", "Settings", "Runner tokens", "Imports");
        snap("4-viewer-menu");
        for (String path : List.of("/review", "/audit", "/admin/users", "/admin/settings")) {
            page.navigate(platform.baseUrl + path);
            assertThat(page.locator("[data-testid=review-empty], [data-testid=instruction], [data-testid=audit-grid], "
                    + "[data-testid=user-grid], [data-testid=user-create]")).hasCount(0);
        }
        page.navigate(platform.baseUrl + "/search");
        assertThat(page.locator("[data-testid=search-text]")).isVisible();
        assertThat(page.locator("[data-testid=bulk-accept]")).isHidden();
        snap("5-viewer-search-without-decisions");
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
