package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.ditto.hub.FakeHub;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a team does in its first hour, in a real browser, on a platform of its own (so every count it asserts is
 * its own): an admin creates a curator and a runner token and starts a real runner with it; uploads two real clips
 * and sees them probed; starts a campaign and watches its instructions become generated, judged samples; the
 * curator reviews by keyboard and bulk-accepts from a search; the admin builds release v0.1.0 and publishes it to a
 * local server that speaks the Hugging Face Hub's API, whose files are then downloaded and checked against the
 * manifest; finally a runner killed mid-job loses nothing. Screenshots of every step are kept under
 * {@code e2e/target/screenshots}.
 */
@BrowserJourney.OwnPlatform
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstHourJourneyIT extends BrowserJourney {
    private static final Path OPENCV = Path.of("/usr/share/doc/opencv-doc/opencv4/html");
    private static final String HUB_TOKEN = "hf_e2eFirstHourToken0123456789";
    private static final String HUB_REPO = "ditto-e2e/first-hour";
    private static final String CURATOR = "carol";
    private static final String CURATOR_PASSWORD = "carol-reviews-2026";
    private static final int PER_SOURCE = 4;
    private static final Set<String> JUDGED = Set.of("IN_REVIEW", "AUTO_REJECTED");

    private static FakeHub hub;
    private static Process firstRunner;
    private static String campaignUrl;
    private static int accepted;
    private static final Set<String> reviewedByKeyboard = new java.util.HashSet<>();

    @BeforeAll
    static void startOwnPlatformWithAHub() throws IOException {
        Path hubFiles = Files.createDirectories(Path.of("target/first-hour-hub-" + System.nanoTime()));
        hub = new FakeHub(HUB_TOKEN, hubFiles);
        platform = RunningPlatform.fresh(List.of("--ditto.hub.endpoint=" + hub.url(), "--ditto.hub.token=" + HUB_TOKEN));
    }

    @AfterAll
    static void stopOwnPlatform() {
        if (platform != null) {
            platform.stop();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private Api admin() {
        return new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);
    }

    @Test
    @Order(1)
    void anAdminCreatesACuratorAndARunnerTokenAndStartsARunnerWithIt() throws IOException {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        assertThat(page.locator("[data-testid=current-user]")).containsText("admin");

        page.navigate(platform.baseUrl + "/admin/users");
        page.locator("[data-testid=user-create-username] input").fill(CURATOR);
        page.locator("[data-testid=user-create-display-name] input").fill("Carol Curator");
        page.locator("[data-testid=user-create-password] input").fill(CURATOR_PASSWORD);
        pickComboBoxItem("user-create-role", "CURATOR");
        page.locator("[data-testid=user-create]").click();
        assertThat(page.locator("[data-testid=user-grid]")).containsText("Carol Curator");
        snap("1a-curator-created");

        page.navigate(platform.baseUrl + "/admin/runners");
        page.locator("[data-testid=token-name] input").fill("floor-1");
        page.locator("[data-testid=token-create]").click();
        Locator token = page.locator("[data-testid=token-value] input");
        assertThat(token).hasValue(Pattern.compile("^dtr_.{20,}"));
        snap("1b-token-shown-once");
        firstRunner = platform.startRunner("floor-1", token.inputValue());
        page.locator("[data-testid=token-close]").click();

        // the runner registers: the admin sees its host and stages, and when it was last seen
        page.waitForCondition(() -> {
            page.reload();
            return page.locator("[data-testid=runner-grid]").textContent().contains("generate");
        }, new Page.WaitForConditionOptions().setTimeout(90_000));
        assertThat(page.locator("[data-testid=runner-grid]")).containsText("floor-1");
        assertThat(page.locator("[data-testid=runner-grid]")).containsText("probe");
        snap("1c-runner-registered");
    }

    @Test
    @Order(2)
    void theAdminUploadsTwoClipsAndSeesThemProbedWithThumbnailsAndScores() throws IOException {
        Path dir = Files.createDirectories(platform.work.resolve("first-hour-upload"));
        Path cup = gunzip(OPENCV.resolve("cup.mp4.gz"), dir.resolve("cup.mp4"));
        Path box = gunzip(OPENCV.resolve("box.mp4.gz"), dir.resolve("box.mp4"));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        page.locator("[data-testid=upload] input[type=file]").setInputFiles(new Path[] {cup, box});
        assertThat(page.locator("[data-testid=upload-status][data-file='cup.mp4']")).hasAttribute("data-status", "ok",
                new LocatorAssertions.HasAttributeOptions().setTimeout(120_000));
        assertThat(page.locator("[data-testid=upload-status][data-file='box.mp4']")).hasAttribute("data-status", "ok");
        snap("2a-uploaded");

        for (String name : List.of("cup.mp4", "box.mp4")) {
            Locator card = page.locator("[data-testid=source-card]", new Page.LocatorOptions().setHasText(name));
            assertThat(card).hasAttribute("data-status", "READY", new LocatorAssertions.HasAttributeOptions().setTimeout(300_000));
        }
        Locator thumbs = page.locator("[data-testid=source-thumb]");
        assertThat(thumbs).hasCount(2);
        for (int i = 0; i < 2; i++) {
            Locator thumb = thumbs.nth(i);
            page.waitForCondition(() -> (Boolean) thumb.evaluate("img => img.complete && img.naturalWidth > 0"));
        }
        Locator grid = page.locator("[data-testid=source-grid]");
        assertThat(grid).containsText("Motion");
        // the probe's resolution, clip count and scores are in the gallery (numbers, not dashes)
        assertThat(grid).containsText(Pattern.compile("\\d+×\\d+ @\\d+"));
        snap("2b-probed");
    }

    @Test
    @Order(3)
    void theAdminStartsACampaignAndSeesItsInstructionsCategoriesAndDiversity() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        assertThat(page.locator("[data-testid=source-card][data-status=READY]")).hasCount(2);
        page.locator("[data-testid=select-filtered]").click();
        assertThat(page.locator("[data-testid=selection-count]")).hasText("2 selected");
        page.locator("[data-testid=start-campaign]").click();
        page.locator("[data-testid=campaign-name] input").fill("first hour");
        page.locator("[data-testid=campaign-per-source] input").fill(String.valueOf(PER_SOURCE));
        page.locator("[data-testid=campaign-seed] input").fill("11");
        assertThat(page.locator("[data-testid=campaign-engine]")).containsText("builtin");
        snap("3a-campaign-dialog");
        page.locator("[data-testid=campaign-start]").click();

        page.waitForURL(Pattern.compile(".*/campaigns/\\d+$"));
        campaignUrl = page.url();
        assertThat(page.locator("[data-testid=campaign-title]")).hasText("first hour");
        assertThat(page.locator("[data-testid=campaign-status]")).hasText("DONE", new LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertThat(page.locator("[data-testid=campaign-written]")).hasText(String.valueOf(2 * PER_SOURCE));
        Locator instructions = page.locator("[data-testid=campaign-instructions]");
        assertThat(instructions).containsText("builtin-grammar");
        assertThat(instructions).containsText(Pattern.compile("global_style|global_freeform|local_\\w+|background"));
        assertThat(page.locator("[data-testid=campaign-diversity]")).containsText(Pattern.compile("pairwise", Pattern.CASE_INSENSITIVE));
        assertThat(page.locator("[data-testid=campaign-embedding-map]")).hasAttribute("data-rendered", "true");
        snap("3b-campaign-instructions");
    }

    @Test
    @Order(4)
    void generateJobsRunWithProgressAndTheJudgesVerdictsArrive() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(campaignUrl);
        assertThat(page.locator("[data-testid=campaign-progress]"))
                .hasAttribute("data-finished", "true", new LocatorAssertions.HasAttributeOptions().setTimeout(900_000));
        assertThat(page.locator("[data-testid=jobs-done]")).hasText(String.valueOf(2 * PER_SOURCE));
        assertThat(page.locator("[data-testid=jobs-failed]")).hasText("0");
        assertThat(page.locator("[data-testid=costs-by-stage]")).containsText("propagation");
        // every instruction's sample has the judge's verdict: in review for the curators, or auto-rejected
        Locator instructions = page.locator("[data-testid=campaign-instructions]");
        page.waitForCondition(() -> {
            page.reload();
            return countMatches(instructions.textContent(), "IN_REVIEW|AUTO_REJECTED") == 2 * PER_SOURCE;
        }, new Page.WaitForConditionOptions().setTimeout(120_000));
        accepted = 0;
        snap("4-generated-and-judged");

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        assertThat(page.locator("[data-testid=card-samples]")).containsText("Total " + 2 * PER_SOURCE);
        snap("4b-overview");
    }

    @Test
    @Order(5)
    void theCuratorReviewsByKeyboardAcceptingRejectingWithAReasonAndUndoing() {
        signIn(CURATOR, CURATOR_PASSWORD);
        page.navigate(platform.baseUrl + "/review");
        assertThat(page.locator("[data-testid=queue-remaining]")).containsText("in review");
        Matcher queue = Pattern.compile("\\((\\d+) in review\\)").matcher(page.locator("[data-testid=queue-remaining]").textContent());
        assertThat(queue.find()).isTrue();
        assertThat(Integer.parseInt(queue.group(1))).as("samples the judge passed to the curators").isGreaterThanOrEqualTo(4);
        awaitPlaying();
        snap("5a-review-playing");

        String first = sampleId();
        page.keyboard().press("a");
        assertThat(page.locator("[data-testid=last-decision]")).hasText("Accepted #" + first);
        awaitPlaying();
        String second = sampleId();
        assertThat(second).isNotEqualTo(first);
        page.keyboard().press("a");
        assertThat(page.locator("[data-testid=last-decision]")).hasText("Accepted #" + second);
        snap("5b-accepted-two");

        String third = sampleId();
        page.keyboard().press("r");
        assertThat(page.locator("[data-testid=reason-dialog-content]")).isVisible();
        page.keyboard().press("2");
        page.keyboard().press("Enter");
        assertThat(page.locator("[data-testid=last-decision]")).containsText("Rejected (");
        assertThat(page.locator("[data-testid=last-decision]")).containsText("#" + third);
        snap("5c-rejected-with-reason");

        page.keyboard().press("u");
        assertThat(page.locator("[data-testid=last-decision]")).hasText("Undid your decision on #" + third);
        assertThat(page.locator("[data-testid=sample-id]")).containsText("#" + third);
        awaitPlaying();
        page.keyboard().press("a");
        assertThat(page.locator("[data-testid=last-decision]")).hasText("Accepted #" + third);
        assertThat(page.locator("[data-testid=decided-today]")).containsText("3");
        accepted = 3;
        reviewedByKeyboard.addAll(List.of(first, second, third));
        snap("5d-undone-then-accepted");
    }

    @Test
    @Order(6)
    void theCuratorSearchesAndBulkAcceptsFromTheResults() {
        signIn(CURATOR, CURATOR_PASSWORD);
        page.navigate(platform.baseUrl + "/search");
        // look for a word of an instruction still waiting for review, as a curator would after reading one
        String word = wordOfAnInstructionInReview();
        page.locator("[data-testid=search-text] input").fill(word);
        page.locator("[data-testid=search-run]").click();
        assertThat(page.locator("[data-testid=search-total]")).containsText(Pattern.compile("^[1-9]\\d* samples"));
        Locator results = page.locator("[data-testid=search-results]");
        assertThat(results).containsText(Pattern.compile(word, Pattern.CASE_INSENSITIVE)); // a plain word: JS regex semantics
        snap("6a-search-results");

        page.locator("[data-testid=search-results] vaadin-checkbox[aria-label='Select All'], "
                + "[data-testid=search-results] #selectAllCheckbox").first().click();
        page.locator("[data-testid=bulk-accept]").click();
        Locator toast = page.locator("vaadin-notification-card", new Page.LocatorOptions().setHasText("decided"));
        assertThat(toast).isVisible();
        Matcher decided = Pattern.compile("(\\d+) decided").matcher(toast.textContent());
        assertThat(decided.find()).isTrue();
        int bulk = Integer.parseInt(decided.group(1));
        assertThat(bulk).isPositive();
        accepted += bulk;
        assertThat(page.locator("[data-testid=search-facet-status]")).containsText("ACCEPTED");
        snap("6b-bulk-accepted");
    }

    @Test
    @Order(7)
    void theAdminBuildsReleaseZeroOneZeroAndPublishesItToTheHub() throws Exception {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/releases");
        page.locator("[data-testid=release-new]").click();
        page.locator("[data-testid=release-name] input").fill("first-hour");
        page.locator("[data-testid=release-name] input").press("Tab");
        assertThat(page.locator("[data-testid=release-version] input")).hasValue("1.0.0"); // the suggestion for a new name
        page.locator("[data-testid=release-version] input").fill("0.1.0");
        page.locator("[data-testid=release-version] input").press("Tab");
        // the sim2real subset is an option of the build (tested over REST in ReleaseIT); left off here
        assertThat(page.locator("[data-testid=release-sim2real]")).isVisible();
        snap("7a-new-release");
        page.locator("[data-testid=release-build]").click();

        page.waitForURL(Pattern.compile(".*/releases/\\d+$"), new Page.WaitForURLOptions().setTimeout(120_000));
        assertThat(page.locator("[data-testid=release-title]")).hasText("first-hour 0.1.0");
        assertThat(page.locator("[data-testid=release-state]")).hasText("BUILT");
        assertThat(page.locator("[data-testid=release-meta]")).containsText(accepted + " samples");
        assertThat(page.locator("[data-testid=release-diff-summary]")).containsText("all " + accepted + " samples are new");
        Locator card = page.locator("[data-testid=release-card]");
        assertThat(card).containsText("task_categories");
        assertThat(card).containsText("csvs_for_DiffSynth");
        // the quality report: a section of the card, and a summary with plots on the page
        assertThat(card).containsText("Quality");
        assertThat(page.locator("[data-testid=release-quality-summary]")).containsText(accepted + " shipped samples");
        assertThat(page.locator("[data-testid=release-quality-judge]")).isVisible();
        snap("7b-release-built");

        page.locator("[data-testid=publish-destination] input").fill(HUB_REPO);
        assertThat(page.locator("[data-testid=publish-button]")).containsText("0.1.0");
        page.locator("[data-testid=publish-button]").click();
        assertThat(page.locator("[data-testid=publish-state]")).hasText("DONE", new LocatorAssertions.HasTextOptions().setTimeout(180_000));
        assertThat(page.locator("[data-testid=publish-commit]")).containsText("Commit");
        assertThat(page.content()).doesNotContain(HUB_TOKEN);
        snap("7c-published");

        // download what the Hub now serves, as a dataset user would, and hold it to the manifest
        String manifestText = new String(download("manifest.json"), StandardCharsets.UTF_8);
        JsonArray files = JsonParser.parseString(manifestText).getAsJsonObject().getAsJsonArray("files");
        assertThat(files.size()).isGreaterThan(3);
        for (JsonElement f : files) {
            JsonObject file = f.getAsJsonObject();
            String path = file.get("path").getAsString();
            byte[] bytes = download(path);
            assertThat((long) bytes.length).as("size of %s", path).isEqualTo(file.get("size").getAsLong());
            assertThat(sha256(bytes)).as("sha256 of %s", path).isEqualTo(file.get("sha256").getAsString());
        }
        assertThat(hub.tagCommit(HUB_REPO, "v0.1.0")).as("the release's tag on the Hub").isNotNull();
        String csv = new String(download(files.asList().stream().map(f -> f.getAsJsonObject().get("path").getAsString())
                .filter(p -> p.startsWith("csvs_for_DiffSynth/")).findFirst().orElseThrow()), StandardCharsets.UTF_8);
        assertThat(csv.lines().count()).as("CSV rows plus header").isEqualTo(accepted + 1L);
    }

    @Test
    @Order(8)
    void aRunnerKilledMidJobLosesNothingAndNothingIsCountedTwice() throws Exception {
        Api api = admin();
        long sourceId = api.get("/api/sources").getAsJsonArray().get(0).getAsJsonObject().get("id").getAsLong();
        long campaign = api.post("/api/campaigns", "{\"name\":\"kill\",\"sourceIds\":[" + sourceId
                + "],\"perSource\":1,\"mix\":{},\"seed\":99}").getAsJsonObject().get("id").getAsLong();
        JsonArray running = api.await("/api/admin/jobs?status=RUNNING&type=GENERATE", j -> !j.getAsJsonArray().isEmpty(),
                Duration.ofMinutes(3)).getAsJsonArray();
        long jobId = running.get(0).getAsJsonObject().get("id").getAsLong();

        firstRunner.destroyForcibly().waitFor(); // SIGKILL: no goodbye, no handing back
        String token = api.post("/api/admin/runners", "{\"name\":\"floor-2\"}").getAsJsonObject().get("token").getAsString();
        platform.startRunner("floor-2", token);

        JsonObject job = api.await("/api/admin/jobs/" + jobId, j -> j.getAsJsonObject().get("status").getAsString().equals("SUCCEEDED"),
                Duration.ofMinutes(5)).getAsJsonObject();
        assertThat(job.get("attempts").getAsInt()).isEqualTo(2);
        api.await("/api/campaigns/" + campaign + "/instructions", rows -> rows.getAsJsonArray().asList().stream()
                .allMatch(r -> r.getAsJsonObject().has("sampleStatus")
                        && JUDGED.contains(r.getAsJsonObject().get("sampleStatus").getAsString())), Duration.ofMinutes(3));

        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/campaigns/" + campaign);
        assertThat(page.locator("[data-testid=jobs-done]")).hasText("1");
        assertThat(page.locator("[data-testid=jobs-failed]")).hasText("0");
        assertThat(countMatches(page.locator("[data-testid=campaign-instructions]").textContent(), "IN_REVIEW|AUTO_REJECTED"))
                .isEqualTo(1);
        page.navigate(platform.baseUrl + "/");
        assertThat(page.locator("[data-testid=card-samples]")).containsText("Total " + (2 * PER_SOURCE + 1));
        snap("8-killed-runner-job-done-once");
    }

    @Test
    @Order(9)
    void theCuratorOpensASamplesPageSeesItsProvenanceAndRegeneratesTheSameFrames() throws Exception {
        JsonObject hit = admin().await("/api/search?status=ACCEPTED&size=1", r -> !r.getAsJsonObject().getAsJsonArray("hits").isEmpty(),
                Duration.ofMinutes(1)).getAsJsonObject().getAsJsonArray("hits").get(0).getAsJsonObject();
        long original = hit.get("sampleId").getAsLong();

        signIn(CURATOR, CURATOR_PASSWORD);
        page.navigate(platform.baseUrl + "/samples/" + original);
        assertThat(page.locator("[data-testid=sample-title]")).containsText("Sample #" + original);
        Locator stages = page.locator("[data-testid=provenance-stages]");
        assertThat(stages).containsText("builtin.");
        assertThat(stages).containsText("propagation");
        snap("9a-sample-page-provenance");

        page.locator("[data-testid=regenerate]").click();
        Locator toast = page.locator("vaadin-notification-card", new Page.LocatorOptions().setHasText("Queued as sample #"));
        assertThat(toast).isVisible();
        Matcher m = Pattern.compile("#(\\d+)").matcher(toast.textContent());
        assertThat(m.find()).isTrue();
        long regenerated = Long.parseLong(m.group(1));
        assertThat(page.locator("[data-testid=lineage-" + regenerated + "]")).isVisible();

        // the runner repeats the recorded job; then the new sample's page shows where it came from
        admin().await("/api/search?size=50&status=IN_REVIEW&status=AUTO_REJECTED", r -> r.getAsJsonObject().getAsJsonArray("hits")
                .asList().stream().anyMatch(h -> h.getAsJsonObject().get("sampleId").getAsLong() == regenerated), Duration.ofMinutes(5));
        page.navigate(platform.baseUrl + "/samples/" + regenerated);
        assertThat(page.locator("[data-testid=lineage-" + original + "]")).isVisible();
        snap("9b-regenerated-sample");

        List<String> regeneratedFrames = decodedFrameHashes(editedVideo());
        page.navigate(platform.baseUrl + "/samples/" + original);
        List<String> originalFrames = decodedFrameHashes(editedVideo());
        assertThat(originalFrames).hasSizeGreaterThan(10);
        assertThat(regeneratedFrames).as("decoded frames of the regenerated video, one md5 each").isEqualTo(originalFrames);
    }

    @Test
    @Order(10)
    void theCuratorRejectsACategoryWithAReasonAndTheNextCampaignTakesTheLowerWeight() throws Exception {
        // the category with the most samples waiting for review: its samples are rejected with a reason
        JsonArray waiting = admin().await("/api/search?status=IN_REVIEW&size=100", r -> !r.getAsJsonObject().getAsJsonArray("hits").isEmpty(),
                Duration.ofMinutes(1)).getAsJsonObject().getAsJsonArray("hits");
        java.util.Map<String, Long> byCategory = waiting.asList().stream().collect(java.util.stream.Collectors.groupingBy(
                h -> h.getAsJsonObject().get("category").getAsString(), java.util.stream.Collectors.counting()));
        String category = byCategory.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();

        signIn(CURATOR, CURATOR_PASSWORD);
        page.navigate(platform.baseUrl + "/search");
        page.locator("[data-testid=search-run]").click();
        Locator total = page.locator("[data-testid=search-total]");
        assertThat(total).containsText(" samples");
        // a pushed refresh can redraw the facets just as a click lands: click each until it is ticked
        tick(page.locator("[data-testid=search-facet-status] vaadin-checkbox", new Page.LocatorOptions().setHasText("IN_REVIEW")));
        tick(page.locator("[data-testid=search-facet-category] vaadin-checkbox", new Page.LocatorOptions().setHasText(category)));
        // samples of the category in review now (a regenerated one may have joined since the API was asked)
        Matcher shown = Pattern.compile("^(\\d+) sample").matcher(total.textContent());
        assertThat(shown.find()).as(total.textContent()).isTrue();
        int rejecting = Integer.parseInt(shown.group(1));
        assertThat(rejecting).isPositive();
        page.locator("[data-testid=search-results] vaadin-checkbox[aria-label='Select All'], "
                + "[data-testid=search-results] #selectAllCheckbox").first().click();
        // pick the reason from the list: the choice closes the list, which otherwise covers the page
        page.locator("[data-testid=bulk-reason] input").click();
        page.locator("vaadin-combo-box-item", new Page.LocatorOptions().setHasText("Visual artefacts")).click();
        assertThat(page.locator("[data-testid=bulk-reason] input")).hasValue("Visual artefacts");
        page.locator("[data-testid=bulk-reject]").click();
        assertThat(page.locator("vaadin-notification-card", new Page.LocatorOptions().setHasText(Pattern.compile("[1-9]\\d* decided"))))
                .isVisible();
        snap("10a-category-rejected");

        // the next campaign's dialog proposes less weight for it, and the campaign takes it
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/sources");
        page.locator("[data-testid=select-filtered]").click();
        page.locator("[data-testid=start-campaign]").click();
        String label = category.toLowerCase(Locale.ROOT).replace('_', ' ');
        Locator line = page.locator("[data-testid=campaign-advice-line]", new Page.LocatorOptions().setHasText(label + ":"));
        assertThat(line).containsText("rejected (mostly artifacts)");
        Matcher weights = Pattern.compile("weight (\\d\\.\\d\\d) → (\\d\\.\\d\\d)").matcher(line.textContent());
        assertThat(weights.find()).isTrue();
        double before = Double.parseDouble(weights.group(1));
        double after = Double.parseDouble(weights.group(2));
        assertThat(after).as("the rejected category's proposed weight").isLessThan(before);
        snap("10b-campaign-advice");
        page.locator("[data-testid=campaign-use-advice]").click();
        String field = "[data-testid=campaign-mix-" + category.toLowerCase(Locale.ROOT) + "] input";
        assertThat(page.locator(field)).hasValue(String.valueOf(Math.round(100 * after)));
        page.locator("[data-testid=campaign-name] input").fill("after review");
        page.locator("[data-testid=campaign-per-source] input").fill("1");
        page.locator("[data-testid=campaign-start]").click();
        page.waitForURL(Pattern.compile(".*/campaigns/\\d+$"));
        assertThat(page.locator("[data-testid=campaign-mix]")).containsText("from curators' decisions: " + label + ":");
        long campaign = Long.parseLong(page.url().replaceAll(".*/campaigns/(\\d+)$", "$1"));
        JsonObject stored = admin().get("/api/campaigns/" + campaign).getAsJsonObject();
        JsonObject mix = stored.getAsJsonObject("categoryMix");
        double mixTotal = mix.entrySet().stream().mapToDouble(e -> e.getValue().getAsDouble()).sum();
        assertThat(mix.get(category).getAsDouble() / mixTotal).as("the campaign runs with the lower weight")
                .isCloseTo(after, org.assertj.core.data.Offset.offset(0.011));
        snap("10c-campaign-with-advice");
    }

    @Test
    @Order(11)
    void theAdminPublishesTheReleaseToAFolderAndItsPageStillOpens() throws Exception {
        long release = admin().get("/api/releases").getAsJsonArray().get(0).getAsJsonObject().get("id").getAsLong();
        Path folder = Files.createTempDirectory("ditto-e2e-folder-publish");
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/releases/" + release);
        page.locator("[data-testid=publish-target]").click();
        page.locator("vaadin-select-item", new Page.LocatorOptions().setHasText("Folder")).click();
        page.locator("[data-testid=publish-destination] input").fill(folder.toString());
        page.locator("[data-testid=publish-button]").click();
        assertThat(page.locator("[data-testid=publish-state]")).hasText("DONE", new LocatorAssertions.HasTextOptions().setTimeout(180_000));
        assertThat(page.locator("[data-testid=publish-commit]")).containsText(folder.toString());

        // the page of a release published to a folder opens again, with the folder shown as text, not as a link
        page.navigate(platform.baseUrl + "/releases/" + release);
        assertThat(page.locator("[data-testid=release-title]")).isVisible();
        assertThat(page.locator("[data-testid=publications-grid]")).containsText(folder.toString());
        assertThat(page.content()).doesNotContain("There was an exception");
        try (var files = Files.walk(folder)) {
            assertThat(files.anyMatch(f -> f.getFileName().toString().equals("manifest.json"))).isTrue();
        }
        snap("11-folder-published-page");
    }

    @Test
    @Order(12)
    void theAdminReadsTheCoverageAndTheJudgeCalibrationPages() {
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/coverage");
        assertThat(page.locator("[data-testid=coverage-summary]")).containsText(Pattern.compile("[1-9]\\d* instructions over \\d+ ready sources"));
        assertThat(page.locator("[data-testid=coverage-categories]")).hasAttribute("data-rendered", "true");
        assertThat(page.locator("[data-testid=coverage-map]")).hasAttribute("data-rendered", "true");
        assertThat(page.locator("[data-testid=coverage-gaps]")).not().isEmpty();
        snap("12a-coverage");

        page.navigate(platform.baseUrl + "/admin/calibration");
        assertThat(page.locator("[data-testid=calibration-summary]")).containsText(Pattern.compile("[1-9]\\d* decided samples"));
        assertThat(page.locator("[data-testid=calibration-agreement]")).containsText("All");
        assertThat(page.locator("[data-testid=calibration-plot]")).hasAttribute("data-rendered", "true");
        snap("12b-calibration");
    }

    /** Clicks a facet's checkbox until it stays ticked (a facet refresh may redraw it as the click lands). */
    private void tick(Locator box) {
        page.waitForCondition(() -> {
            if (box.count() > 0 && !Boolean.TRUE.equals(box.first().evaluate("e => e.checked"))) {
                box.first().click();
            }
            page.waitForTimeout(700);
            return box.count() > 0 && Boolean.TRUE.equals(box.first().evaluate("e => e.checked"));
        }, new Page.WaitForConditionOptions().setTimeout(30_000));
    }

    /** The edited video on the sample page, fetched with the curator's session as the player fetches it. */
    private Path editedVideo() throws IOException {
        String src = page.locator("[data-testid=sample-edited]").getAttribute("src");
        assertThat(src).startsWith("media/blobs/");
        byte[] bytes = page.request().get(platform.baseUrl + "/" + src).body();
        Path file = Files.createTempFile("edited-", ".mp4");
        Files.write(file, bytes);
        return file;
    }

    /** FFmpeg's md5 of every decoded frame (framemd5), without its header lines. */
    private static List<String> decodedFrameHashes(Path video) throws IOException, InterruptedException {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-i", video.toString(), "-map", "0:v", "-f", "framemd5", "-")
                .redirectErrorStream(true).start();
        String out = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.waitFor()).as(out).isZero();
        return out.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(l.lastIndexOf(',') + 1).strip()).toList();
    }

    // ---------------------------------------------------------------- helpers

    /** Both players have media data and are advancing: what a curator sees as a playing video. */
    private void awaitPlaying() {
        for (String id : List.of("video-source", "video-edited")) {
            Locator video = page.locator("[data-testid=" + id + "]").first();
            page.waitForCondition(() -> (Boolean) video.evaluate("v => v.readyState >= 2 && v.videoWidth > 0"),
                    new Page.WaitForConditionOptions().setTimeout(30_000));
        }
        Locator edited = page.locator("[data-testid=video-edited]").first();
        double t0 = ((Number) edited.evaluate("v => v.currentTime")).doubleValue();
        page.waitForCondition(() -> ((Number) edited.evaluate("v => v.currentTime")).doubleValue() != t0,
                new Page.WaitForConditionOptions().setTimeout(15_000));
    }

    private String sampleId() {
        Matcher m = Pattern.compile("#(\\d+)").matcher(page.locator("[data-testid=sample-id]").textContent());
        assertThat(m.find()).as("a sample on screen").isTrue();
        return m.group(1);
    }

    private String wordOfAnInstructionInReview() {
        // the index follows PostgreSQL within a moment; skip the samples decided by keyboard just before
        JsonObject hit = admin().await("/api/search?status=IN_REVIEW&size=50", page -> page.getAsJsonObject().getAsJsonArray("hits")
                .asList().stream().anyMatch(h -> !reviewedByKeyboard.contains(h.getAsJsonObject().get("sampleId").getAsString())),
                Duration.ofMinutes(1)).getAsJsonObject().getAsJsonArray("hits").asList().stream().map(JsonElement::getAsJsonObject)
                .filter(h -> !reviewedByKeyboard.contains(h.get("sampleId").getAsString())).findFirst().orElseThrow();
        String instruction = hit.get("instruction").getAsString();
        return Pattern.compile("[A-Za-z]{5,}").matcher(instruction).results().map(r -> r.group().toLowerCase(Locale.ROOT))
                .filter(w -> !Set.of("there", "their", "which", "about", "video", "scene", "whole", "every", "frame", "frames")
                        .contains(w))
                .findFirst().orElseThrow();
    }

    private static int countMatches(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }

    private static byte[] download(String path) throws IOException, InterruptedException {
        String encoded = URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(hub.url() + "/datasets/" + HUB_REPO
                    + "/resolve/v0.1.0/" + encoded)).header("Authorization", "Bearer " + HUB_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as("download of %s", path).isEqualTo(200);
            return r.body();
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Path gunzip(Path gz, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
