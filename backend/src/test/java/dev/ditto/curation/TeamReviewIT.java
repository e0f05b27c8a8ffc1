package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.settings.SettingsService;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Team review: the overlap share reviewed twice, a disagreement settled by a lead (over REST, with the role rules),
 * queues assigned by category, and review of reviews whose overturn counts against the curator.
 */
@DittoIntegrationTest
class TeamReviewIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired ReviewService reviews;
    @Autowired TeamReview team;
    @Autowired CuratorAgreement agreement;
    @Autowired SettingsService settings;
    @LocalServerPort int port;

    private final ObjectMapper json = new ObjectMapper();
    CurationFixtures fixtures;
    String alice;
    String bob;
    String carol;
    String lena;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        jdbc.sql("truncate review_assignments").update();
        alice = fixtures.user("alice", Role.CURATOR);
        bob = fixtures.user("bob", Role.CURATOR);
        carol = fixtures.user("carol", Role.CURATOR);
        lena = fixtures.user("lena", Role.CURATOR);
        jdbc.sql("update users set lead = (username = 'lena')").update();
    }

    @AfterEach
    void tearDown() {
        signIn("admin", Role.ADMIN);
        settings.reset(CurationSettings.CURATION_OVERLAP_SHARE);
        jdbc.sql("truncate review_assignments").update();
        jdbc.sql("update users set lead = false").update();
        signOut();
    }

    private void overlap(String share) {
        signIn("admin", Role.ADMIN);
        settings.set(CurationSettings.CURATION_OVERLAP_SHARE, share);
        signOut();
    }

    @Test
    void theOverlapShareOfSamplesIsReviewedByTwoCuratorsAndTheRestByOne() {
        overlap("0.25");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(fixtures.sampleInReview(0.8));
        }
        signIn(alice, Role.CURATOR);
        for (long id : ids) {
            reviews.decide(alice, id, CuratorDecision.accept());
        }
        long twice = ids.stream().filter(id -> fixtures.status(id).equals("IN_REVIEW")).count();
        assertThat(twice).as("about a quarter wait for a second curator").isBetween(30L, 70L);
        assertThat(reviews.next(alice)).as("never the same curator twice").isEmpty();

        signIn(bob, Role.CURATOR);
        assertThat(reviews.stats(bob).remaining()).isEqualTo(twice);
        long second = reviews.next(bob).orElseThrow().sampleId();
        assertThat(fixtures.status(second)).isEqualTo("IN_REVIEW");
        reviews.decide(bob, second, CuratorDecision.accept());
        assertThat(fixtures.status(second)).as("two agreeing reviews are final").isEqualTo("ACCEPTED");

        overlap("0");
        signIn(carol, Role.CURATOR);
        assertThat(reviews.next(carol)).as("with no overlap, one review is enough: nothing is left").isEmpty();
    }

    @Test
    void aDisagreementOnAnOverlapSampleGoesToALeadWhoDecidesOverRest() throws Exception {
        overlap("1");
        long sample = fixtures.sampleInReview(0.8);
        assertThat(call("POST", "/api/curation/next", null, alice).body()).contains("\"sampleId\":" + sample);
        assertThat(call("POST", "/api/curation/samples/" + sample + "/decision", "{\"decision\":\"ACCEPT\"}", alice).statusCode())
                .isEqualTo(200);
        assertThat(call("POST", "/api/curation/next", null, bob).body()).contains("\"sampleId\":" + sample);
        HttpResponse<String> second = call("POST", "/api/curation/samples/" + sample + "/decision",
                "{\"decision\":\"REJECT\",\"reason\":\"FLICKER\",\"note\":\"the cup flickers\"}", bob);
        assertThat(json.readTree(second.body()).path("statusAfter").asString()).as("not rejected").isEqualTo("IN_REVIEW");
        assertThat(json.readTree(second.body()).path("adjudication").asBoolean()).isTrue();
        assertThat(call("POST", "/api/curation/samples/" + sample + "/decision", "{\"decision\":\"ACCEPT\"}", carol).statusCode())
                .as("a third curator cannot break the tie").isEqualTo(409);

        JsonNode open = json.readTree(call("GET", "/api/curation/adjudications", null, carol).body());
        assertThat(open).hasSize(1);
        // a curator who is not a lead is refused before the body is looked at
        HttpResponse<String> notLead = call("POST", "/api/curation/adjudications/" + sample + "/decision", "{}", carol);
        assertThat(notLead.statusCode()).isEqualTo(403);
        assertThat(notLead.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(notLead.body()).contains("is not a lead");

        JsonNode next = json.readTree(call("POST", "/api/curation/adjudications/next", null, lena).body());
        assertThat(next.path("sampleId").asLong()).isEqualTo(sample);
        assertThat(next.path("reviews")).hasSize(2);
        assertThat(next.path("reviews").get(0).path("curator").asString()).isEqualTo("alice");
        assertThat(next.path("reviews").get(0).path("decision").asString()).isEqualTo("ACCEPT");
        assertThat(next.path("reviews").get(1).path("reason").asString()).isEqualTo("FLICKER");
        assertThat(next.path("reviews").get(1).path("note").asString()).isEqualTo("the cup flickers");

        HttpResponse<String> noReason = call("POST", "/api/curation/adjudications/" + sample + "/decision", "{\"decision\":\"REJECT\"}", lena);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason");
        HttpResponse<String> decided = call("POST", "/api/curation/adjudications/" + sample + "/decision",
                "{\"decision\":\"ACCEPT\",\"note\":\"the flicker is the source's\"}", lena);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        assertThat(json.readTree(decided.body()).path("adjudicator").asString()).isEqualTo("lena");
        assertThat(fixtures.status(sample)).isEqualTo("ACCEPTED");
        assertThat(call("POST", "/api/curation/adjudications/" + sample + "/decision", "{\"decision\":\"REJECT\",\"reason\":\"OTHER\"}", "admin")
                .statusCode()).as("decided once").isEqualTo(409);
        CurationFixtures.AuditRow audit = fixtures.audit(sample).getLast();
        assertThat(audit.action()).isEqualTo("review.adjudicate");
        assertThat(audit.actor()).isEqualTo("lena");
        assertThat(audit.before()).contains("alice", "bob", "FLICKER");
        assertThat(audit.after()).contains("ACCEPTED");

        // bob takes his review back: the lead's decision stands
        signIn(bob, Role.CURATOR);
        reviews.undo(bob);
        assertThat(fixtures.status(sample)).isEqualTo("ACCEPTED");
        assertThat(call("POST", "/api/curation/adjudications/next", null, lena).statusCode()).isEqualTo(204);
    }

    @Test
    void aLeadDoesNotAdjudicateASampleTheyReviewed() {
        overlap("1");
        long sample = fixtures.sampleInReview(0.8);
        signIn(lena, Role.CURATOR);
        reviews.decide(lena, sample, CuratorDecision.accept());
        signIn(bob, Role.CURATOR);
        reviews.decide(bob, sample, CuratorDecision.reject(ReasonCode.ARTIFACTS, null));

        signIn(lena, Role.CURATOR);
        assertThat(team.nextAdjudication(lena)).isEmpty();
        assertThatThrownBy(() -> team.adjudicate(lena, sample, CuratorDecision.accept())).isInstanceOf(ReviewConflictException.class)
                .hasMessageContaining("you reviewed it yourself");
        signIn("admin", Role.ADMIN);
        assertThat(team.adjudicate("admin", sample, CuratorDecision.reject(ReasonCode.ARTIFACTS, null)).decision())
                .isEqualTo(ReviewDecision.REJECT);
        assertThat(fixtures.status(sample)).isEqualTo("REJECTED");
    }

    @Test
    void aCuratorIsServedTheirAssignedCategoryFirstAndNobodyElseIsServedIt() throws Exception {
        long style = fixtures.sampleInReview(0.8);
        long colour = fixtures.sampleInReview(0.8);
        jdbc.sql("update samples set category = 'LOCAL_COLOR' where id = :id").param("id", colour).update();

        HttpResponse<String> byCurator = call("POST", "/api/curation/assignments", "{\"assignee\":\"alice\",\"category\":\"LOCAL_COLOR\"}", carol);
        assertThat(byCurator.statusCode()).as("only a lead assigns").isEqualTo(403);
        HttpResponse<String> both = call("POST", "/api/curation/assignments",
                "{\"assignee\":\"alice\",\"category\":\"LOCAL_COLOR\",\"campaignId\":4}", lena);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).contains("either 'campaignId' or 'category'");
        HttpResponse<String> assigned = call("POST", "/api/curation/assignments", "{\"assignee\":\"alice\",\"category\":\"LOCAL_COLOR\"}", lena);
        assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(201);
        assertThat(call("POST", "/api/curation/assignments", "{\"assignee\":\"alice\",\"category\":\"LOCAL_COLOR\"}", lena).statusCode())
                .isEqualTo(409);

        signIn(alice, Role.CURATOR);
        assertThat(reviews.next(alice).orElseThrow().sampleId()).as("her queue first, though it is newer").isEqualTo(colour);
        signIn(bob, Role.CURATOR);
        assertThat(reviews.next(bob).orElseThrow().sampleId()).isEqualTo(style);
        assertThat(reviews.next(bob, Set.of(style))).as("alice's queue is hers").isEmpty();
        assertThat(reviews.stats(bob).remaining()).isEqualTo(1);

        long id = json.readTree(assigned.body()).path("id").asLong();
        assertThat(call("DELETE", "/api/curation/assignments/" + id, null, lena).statusCode()).isEqualTo(204);
        signIn(alice, Role.CURATOR);
        reviews.release(alice, colour);
        signIn(bob, Role.CURATOR);
        assertThat(reviews.next(bob, Set.of(style)).orElseThrow().sampleId()).as("open to all again").isEqualTo(colour);
        assertThat(fixtures.audit(colour)).isEmpty();
        assertThat(jdbc.sql("select count(*) from audit_log where action in ('review.assign', 'review.unassign')").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void anOverturnedAcceptanceIsRejectedAndCountsAgainstTheCuratorOverTime() throws Exception {
        long sample = fixtures.sampleInReview(0.8);
        long other = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        reviews.decide(alice, sample, CuratorDecision.accept());
        signIn(bob, Role.CURATOR);
        reviews.decide(bob, other, CuratorDecision.accept());

        assertThat(call("POST", "/api/curation/rechecks/draw", "{\"count\":5}", carol).statusCode()).isEqualTo(403);
        HttpResponse<String> drawn = call("POST", "/api/curation/rechecks/draw", "{\"count\":5,\"curator\":\"alice\"}", lena);
        assertThat(drawn.body()).isEqualTo("{\"drawn\":1}");
        assertThat(call("POST", "/api/curation/rechecks/draw", "{\"count\":5,\"curator\":\"alice\"}", lena).body())
                .as("a sample is drawn once").isEqualTo("{\"drawn\":0}");

        JsonNode next = json.readTree(call("POST", "/api/curation/rechecks/next", null, lena).body());
        assertThat(next.path("sampleId").asLong()).isEqualTo(sample);
        assertThat(next.path("curators").get(0).asString()).isEqualTo("alice");
        HttpResponse<String> noReason = call("POST", "/api/curation/rechecks/" + next.path("id").asLong() + "/decision",
                "{\"outcome\":\"OVERTURNED\"}", lena);
        assertThat(noReason.statusCode()).isEqualTo(400);
        HttpResponse<String> overturned = call("POST", "/api/curation/rechecks/" + next.path("id").asLong() + "/decision",
                "{\"outcome\":\"OVERTURNED\",\"reason\":\"SOURCE_NOT_PRESERVED\",\"note\":\"the handle is gone\"}", lena);
        assertThat(overturned.statusCode()).as(overturned.body()).isEqualTo(200);
        assertThat(fixtures.status(sample)).isEqualTo("REJECTED");
        assertThat(fixtures.status(other)).isEqualTo("ACCEPTED");
        assertThat(fixtures.audit(sample).getLast().action()).isEqualTo("recheck.overturned");

        signIn(lena, Role.CURATOR);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<CuratorAgreement.Day> days = agreement.overTime(7);
        assertThat(days).filteredOn(d -> d.curator().equals("alice")).singleElement().satisfies(d -> {
            assertThat(d.day()).isEqualTo(today);
            assertThat(d.decisions()).isEqualTo(1);
            assertThat(d.overturned()).isEqualTo(1);
        });
        assertThat(days).filteredOn(d -> d.curator().equals("bob")).singleElement().satisfies(d -> assertThat(d.overturned()).isZero());
        assertThat(call("GET", "/api/curation/agreement/over-time?days=0", null, carol).statusCode()).isEqualTo(400);
    }

    @Test
    void onlyAnAdminNamesALead() {
        signIn(carol, Role.CURATOR);
        assertThatThrownBy(() -> team.setLead(carol, true)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> team.assign(carol, "bob", null, "GLOBAL_STYLE")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("not a lead");
        signIn("admin", Role.ADMIN);
        team.setLead(carol, true);
        signIn(carol, Role.CURATOR);
        assertThat(team.assign(carol, "bob", null, "GLOBAL_STYLE").assignee()).isEqualTo("bob");
    }

    private HttpResponse<String> call(String method, String path, String body, String user) throws Exception {
        return CurationFixtures.call(port, method, path, body, user);
    }
}
