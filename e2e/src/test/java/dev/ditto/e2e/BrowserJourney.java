package dev.ditto.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;

/**
 * Base of every browser journey: the running platform, Debian's Chromium driven by Playwright (never a
 * downloaded browser), a fresh page per test, and screenshots: {@link #snap} for each step, and one whenever
 * a test fails, under {@code e2e/target/screenshots}.
 */
@ExtendWith(BrowserJourney.ScreenshotOnFailure.class)
abstract class BrowserJourney {
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static RunningPlatform platform;
    static Playwright playwright;
    static Browser browser;

    BrowserContext context;
    Page page;
    String testName = "test";

    /** On a journey class: it starts a platform of its own in its own {@code @BeforeAll} instead of the shared one. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @interface OwnPlatform {}

    @BeforeAll
    static void startBrowser(TestInfo info) throws Exception {
        boolean own = info.getTestClass().map(c -> c.isAnnotationPresent(OwnPlatform.class)).orElse(false);
        platform = own ? null : RunningPlatform.get();
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
        Files.createDirectories(SCREENSHOTS);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = chromium(playwright);
    }

    /** Debian's Chromium, headless (never a downloaded browser). */
    static Browser chromium(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of("/usr/bin/chromium"))
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--autoplay-policy=no-user-gesture-required")));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openPage(TestInfo info) {
        testName = info.getTestClass().map(Class::getSimpleName).orElse("") + "-" + info.getTestMethod().map(m -> m.getName()).orElse("");
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
        context.setDefaultTimeout(30_000);
        page = context.newPage();
    }

    @AfterEach
    void closePage() {
        if (context != null) {
            context.close();
        }
    }

    /** Keeps a screenshot of this step of the journey. */
    /** Opens the combo box with {@code testId} and picks the item labelled {@code label}. */
    void pickComboBoxItem(String testId, String label) {
        page.locator("[data-testid=" + testId + "] input").click();
        page.locator("vaadin-combo-box-item", new Page.LocatorOptions().setHasText(label)).first().click();
    }

    void snap(String step) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(testName + "-" + step + ".png")).setFullPage(true));
    }

    void signIn(String username, String password) {
        signIn(page, platform.baseUrl, username, password);
    }

    /** Signs in on the login page of the server at {@code baseUrl} and waits until it has left it. */
    static void signIn(Page page, String baseUrl, String username, String password) {
        page.navigate(baseUrl + "/login");
        page.locator("vaadin-login-form input[name=username]").fill(username);
        page.locator("vaadin-login-form input[name=password]").fill(password);
        page.locator("vaadin-login-form vaadin-button[slot=submit], vaadin-login-form button[type=submit]").first().click();
        page.waitForURL(url -> !url.contains("/login"));
    }

    /** Screenshot of the page as it was when a test failed (taken before the page closes). */
    static final class ScreenshotOnFailure implements AfterTestExecutionCallback {
        @Override
        public void afterTestExecution(ExtensionContext ctx) {
            if (ctx.getExecutionException().isEmpty()) {
                return;
            }
            ctx.getTestInstance().filter(BrowserJourney.class::isInstance).map(BrowserJourney.class::cast).ifPresent(j -> {
                if (j.page != null && !j.page.isClosed()) {
                    j.page.screenshot(new Page.ScreenshotOptions()
                            .setPath(SCREENSHOTS.resolve(j.testName + "-FAILED.png")).setFullPage(true));
                }
            });
        }
    }
}
