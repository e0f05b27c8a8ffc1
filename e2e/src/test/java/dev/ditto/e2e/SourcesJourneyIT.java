package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A curator's way from videos to a campaign: a multi-file upload where one file is refused while the others go
 * on; then, with a runner probing and generating, a campaign started from the gallery whose progress reaches done;
 * and a campaign started on the sources the gallery's search finds.
 */
class SourcesJourneyIT extends BrowserJourney {
    private static final Path OPENCV = Path.of("/usr/share/doc/opencv-doc");

    @Test
    void aMultiFileUploadRefusesTheBadFileAndKeepsTheOthers() throws IOException {
        Path dir = Files.createDirectories(platform.work.resolve("upload-" + System.nanoTime()));
        Path cup = gunzip(OPENCV.resolve("opencv4/html/cup.mp4.gz"), dir.resolve("cup.mp4"));
        Path tree = Files.copy(OPENCV.resolve("examples/data/tree.avi"), dir.resolve("tree.avi"));
        Path notes = Files.writeString(dir.resolve("notes.mp4"), "meeting notes, not a video\n".repeat(100));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        assertThat(page.locator("[data-testid=upload-limit]")).containsText("MB");
        page.locator("[data-testid=upload] input[type=file]").setInputFiles(new Path[] {cup, notes, tree});

        Locator rows = page.locator("[data-testid=upload-status]");
        assertThat(rows).hasCount(3, new LocatorAssertions.HasCountOptions().setTimeout(120_000));
        assertThat(page.locator("[data-testid=upload-status][data-file='notes.mp4']")).hasAttribute("data-status", "rejected");
        assertThat(page.locator("[data-testid=upload-status][data-file='notes.mp4']")).containsText("not a video");
        assertThat(page.locator("[data-testid=upload-status][data-file='cup.mp4']")).hasAttribute("data-status", Pattern.compile("ok|duplicate"));
        assertThat(page.locator("[data-testid=upload-status][data-file='tree.avi']")).hasAttribute("data-status", Pattern.compile("ok|duplicate"));
        assertThat(page.locator("[data-testid=source-card]", new com.microsoft.playwright.Page.LocatorOptions().setHasText("cup.mp4")))
                .hasCount(1);
        snap("uploaded");
    }

    @Test
    void aCampaignStartedFromTheGalleryReachesDone() throws Exception {
        Path dir = Files.createDirectories(platform.work.resolve("campaign-" + System.nanoTime()));
        Path box = gunzip(OPENCV.resolve("opencv4/html/box.mp4.gz"), dir.resolve("box.mp4"));
        platform.startRunner("sources-journey", createRunnerToken("sources-journey"));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        page.locator("[data-testid=upload] input[type=file]").setInputFiles(box);
        assertThat(page.locator("[data-testid=upload-status][data-file='box.mp4']")).hasCount(1);

        page.locator("[data-testid=filter-name] input").fill("box.mp4");
        Locator card = page.locator("[data-testid=source-card]", new com.microsoft.playwright.Page.LocatorOptions().setHasText("box.mp4"));
        assertThat(card).hasAttribute("data-status", "READY", new LocatorAssertions.HasAttributeOptions().setTimeout(300_000));
        page.locator("[data-testid=select-filtered]").click();
        assertThat(page.locator("[data-testid=selection-count]")).hasText("1 selected");
        page.locator("[data-testid=start-campaign]").click();

        assertThat(page.locator("[data-testid=campaign-engine]")).not().isEmpty();
        page.locator("[data-testid=campaign-per-source] input").fill("2");
        page.locator("[data-testid=campaign-name] input").fill("e2e campaign");
        snap("1-dialog");
        page.locator("[data-testid=campaign-start]").click();

        page.waitForURL(Pattern.compile(".*/campaigns/\\d+$"));
        assertThat(page.locator("[data-testid=campaign-title]")).hasText("e2e campaign");
        assertThat(page.locator("[data-testid=campaign-status]")).hasText("DONE", new LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertThat(page.locator("[data-testid=campaign-written]")).not().hasText("0");
        assertThat(page.locator("[data-testid=campaign-progress]"))
                .hasAttribute("data-finished", "true", new LocatorAssertions.HasAttributeOptions().setTimeout(600_000));
        assertThat(page.locator("[data-testid=jobs-queued]")).hasText("0");
        assertThat(page.locator("[data-testid=jobs-running]")).hasText("0");
        assertThat(page.locator("[data-testid=campaign-embedding-map]")).hasAttribute("data-rendered", "true");
        snap("2-done");
    }

    @Test
    void theGallerySearchFindsSourcesByTheirTextAndACampaignStartsOnThem() throws Exception {
        Path dir = Files.createDirectories(platform.work.resolve("search-" + System.nanoTime()));
        Path cup = gunzip(OPENCV.resolve("opencv4/html/cup.mp4.gz"), dir.resolve("cup.mp4"));
        Path tree = Files.copy(OPENCV.resolve("examples/data/tree.avi"), dir.resolve("tree.avi"));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        page.locator("[data-testid=upload] input[type=file]").setInputFiles(new Path[] {cup, tree});
        assertThat(page.locator("[data-testid=upload-status]")).hasCount(2, new LocatorAssertions.HasCountOptions().setTimeout(120_000));

        page.locator("[data-testid=filter-search] input").fill("CUP mp4");
        // the count is the filter's verdict: the grid keeps recycled rows of filtered-out sources in the DOM
        assertThat(page.locator("[data-testid=source-count]")).containsText(Pattern.compile("^1 of "));
        page.locator("[data-testid=select-filtered]").click();
        assertThat(page.locator("[data-testid=selection-count]")).hasText("1 selected");
        page.locator("[data-testid=start-campaign]").click();
        assertThat(page.locator("[data-testid=campaign-dialog]").first()).containsText("1 source");
        page.locator("[data-testid=campaign-name] input").fill("e2e search campaign");
        snap("1-search-dialog");
        page.locator("[data-testid=campaign-start]").click();

        page.waitForURL(Pattern.compile(".*/campaigns/\\d+$"));
        assertThat(page.locator("[data-testid=campaign-title]")).hasText("e2e search campaign");
        snap("2-campaign");
    }

    private static Path gunzip(Path gz, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, target);
        }
        return target;
    }

    private static String createRunnerToken(String name) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("admin:" + RunningPlatform.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(platform.baseUrl + "/api/admin/runners"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            var m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
            if (r.statusCode() != 201 || !m.find()) {
                throw new IllegalStateException("could not create a runner token: " + r.statusCode() + " " + r.body());
            }
            return m.group(1);
        }
    }

}
