package dev.ditto.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Locator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Team review end to end in Chromium: with every sample in the overlap share, two curators whose queue is the journey's
 * own campaign (assigned by the admin) get the same sample; one accepts, the other rejects with a reason; the sample
 * is not rejected but waits for a lead; the admin (a lead) sees both decisions and the reason on the Team review page
 * and accepts it; the sample ends accepted, the adjudication is audited, and the Curators over time page plots both.
 */
class AdjudicationJourneyIT extends BrowserJourney {
    private static final String PASSWORD = "adjudication-journey-1";
    private static Api admin;
    private static OwnCampaign campaign;
    private static String ann;
    private static String ben;
    private static final List<Long> assignments = new ArrayList<>();

    @BeforeAll
    static void twoCuratorsShareTheQueueOfACampaignOfOurOwn() {
        admin = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);
        long n = System.nanoTime() % 100_000;
        ann = "ann" + n;
        ben = "ben" + n;
        for (String curator : List.of(ann, ben)) {
            admin.post("/api/admin/users", "{\"username\":\"" + curator + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"CURATOR\"}");
        }
        campaign = OwnCampaign.generate(admin, platform, "adjudication-journey", 3, n);
        assertThat(campaign.rows()).as("a sample the judge passed to review")
                .anyMatch(r -> r.getAsJsonObject().get("sampleStatus").getAsString().equals("IN_REVIEW"));
        admin.raw("PUT", "/api/admin/settings/curation.overlap-share", "{\"value\":\"1\"}");
        for (String curator : List.of(ann, ben)) {
            assignments.add(admin.post("/api/curation/assignments", "{\"assignee\":\"" + curator + "\",\"campaignId\":"
                    + campaign.id() + "}").getAsJsonObject().get("id").getAsLong());
        }
    }

    @AfterAll
    static void overlapAndAssignmentsAsTheyWere() {
        if (admin != null) {
            admin.raw("DELETE", "/api/admin/settings/curation.overlap-share", null);
            assignments.forEach(id -> admin.raw("DELETE", "/api/curation/assignments/" + id, null));
        }
    }

    @Test
    void twoCuratorsDisagreeOnAnOverlapSampleAndTheLeadsDecisionIsTheSamples() {
        signIn(ann, PASSWORD);
        page.navigate(platform.baseUrl + "/review");
        String sample = sampleOnScreen();
        assertThat(inOurCampaign(sample)).as("ann's assigned campaign comes first").isTrue();
        page.locator("[data-testid=accept]").click();
        assertThat(page.locator("[data-testid=last-decision]")).hasText("Accepted #" + sample + " · waits for another review");
        snap("1-ann-accepts");

        context.close();
        context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1400, 900));
        page = context.newPage();
        signIn(ben, PASSWORD);
        page.navigate(platform.baseUrl + "/review");
        assertThat(sampleOnScreen()).as("the overlap sample comes to a second curator").isEqualTo(sample);
        page.locator("[data-testid=reject]").click();
        page.locator("[data-testid=reason-1]").click();
        page.locator("[data-testid=reject-note]").locator("textarea").fill("the cup is not changed at all");
        page.locator("[data-testid=reject-confirm]").click();
        assertThat(page.locator("[data-testid=last-decision]"))
                .hasText("Rejected (Instruction not followed) #" + sample + " · the reviews disagree: a lead decides");
        snap("2-ben-rejects");
        JsonObject waiting = admin.get("/api/curation/adjudications/" + sample).getAsJsonObject();
        assertThat(waiting.get("decidedAt").isJsonNull()).as("waiting for a lead, not rejected").isTrue();

        context.close();
        context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1400, 900));
        page = context.newPage();
        signIn("admin", RunningPlatform.ADMIN_PASSWORD);
        page.navigate(platform.baseUrl + "/team");
        Locator adjudication = page.locator("[data-testid=adjudication]");
        assertThat(adjudication).hasAttribute("data-sample-id", sample);
        Locator reviews = page.locator("[data-testid=adjudication-review]");
        assertThat(reviews).hasCount(2);
        assertThat(reviews.nth(0)).containsText(ann + ": Accept");
        assertThat(reviews.nth(1)).containsText(ben + ": Reject — Instruction not followed");
        assertThat(reviews.nth(1)).containsText("the cup is not changed at all");
        snap("3-lead-sees-both");
        page.locator("[data-testid=adjudicate-accept]").click();
        assertThat(page.locator("[data-testid=adjudication-last]")).hasText("Sample " + sample + " accepted.");
        snap("4-lead-accepts");

        JsonObject decided = admin.get("/api/curation/adjudications/" + sample).getAsJsonObject();
        assertThat(decided.get("decision").getAsString()).isEqualTo("ACCEPT");
        assertThat(decided.get("adjudicator").getAsString()).isEqualTo("admin");
        admin.await("/api/search?campaign=" + campaign.id() + "&status=ACCEPTED&size=50",
                p -> p.getAsJsonObject().getAsJsonArray("hits").asList().stream()
                        .anyMatch(h -> h.getAsJsonObject().get("sampleId").getAsString().equals(sample)), Duration.ofSeconds(30));

        page.navigate(platform.baseUrl + "/agreement/over-time");
        assertThat(page.locator("[data-testid=trend-rows]")).containsText(ann);
        assertThat(page.locator("[data-testid=chart-curator-agreement]")).hasAttribute("data-rendered", "true");
        snap("5-curators-over-time");
    }

    private String sampleOnScreen() {
        Locator label = page.locator("[data-testid=sample-id]");
        assertThat(label).containsText("#");
        Matcher m = Pattern.compile("#(\\d+)").matcher(label.textContent());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static boolean inOurCampaign(String sample) {
        return admin.get("/api/search?campaign=" + campaign.id() + "&size=50").getAsJsonObject().getAsJsonArray("hits").asList()
                .stream().anyMatch(h -> h.getAsJsonObject().get("sampleId").getAsString().equals(sample));
    }
}
