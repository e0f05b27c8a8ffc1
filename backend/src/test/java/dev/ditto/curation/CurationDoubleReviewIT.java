package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** Double review: two curators see each sample, and it is final only after both decided. */
@DittoIntegrationTest
@TestPropertySource(properties = "ditto.curation.reviews-per-sample=2")
class CurationDoubleReviewIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired ReviewService reviews;

    CurationFixtures fixtures;
    String alice;
    String bob;
    String carol;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        alice = fixtures.user("alice", Role.CURATOR);
        bob = fixtures.user("bob", Role.CURATOR);
        carol = fixtures.user("carol", Role.CURATOR);
    }

    @AfterEach
    void tearDown() {
        signOut();
    }

    @Test
    void twoCuratorsGetTheSameSampleButNotAThird() {
        long sample = fixtures.sampleInReview(0.8);

        signIn(alice, Role.CURATOR);
        long forAlice = reviews.next(alice).orElseThrow().sampleId();
        signIn(bob, Role.CURATOR);
        long forBob = reviews.next(bob).orElseThrow().sampleId();
        signIn(carol, Role.CURATOR);

        assertThat(forAlice).isEqualTo(sample);
        assertThat(forBob).isEqualTo(sample);
        assertThat(reviews.next(carol)).isEmpty();
    }

    @Test
    void aSampleIsFinalAfterTwoDecisionsAndAcceptedOnlyWhenBothAccept() {
        long agreed = fixtures.sampleInReview(0.8);
        long split = fixtures.sampleInReview(0.8);

        signIn(alice, Role.CURATOR);
        var first = reviews.decide(alice, agreed, CuratorDecision.accept());
        reviews.decide(alice, split, CuratorDecision.accept());
        assertThat(first.statusAfter()).isEqualTo("IN_REVIEW");
        assertThat(fixtures.outboxEvents(agreed)).isZero();
        assertThat(reviews.next(alice)).as("alice already decided both").isEmpty();

        signIn(bob, Role.CURATOR);
        reviews.decide(bob, agreed, CuratorDecision.accept());
        reviews.decide(bob, split, CuratorDecision.reject(ReasonCode.SOURCE_NOT_PRESERVED, "the cup changed shape"));

        assertThat(fixtures.status(agreed)).isEqualTo("ACCEPTED");
        assertThat(fixtures.status(split)).isEqualTo("REJECTED");
        assertThat(jdbc.sql("select reject_reason from samples where id = :id").param("id", split).query(String.class).single())
                .isEqualTo("SOURCE_NOT_PRESERVED");
        assertThat(fixtures.outboxEvents(agreed)).isEqualTo(1);
        assertThat(fixtures.audit(split)).extracting(CurationFixtures.AuditRow::action).containsExactly("review.accept", "review.reject");

        reviews.undo(bob);
        assertThat(fixtures.status(split)).as("one decision left of two").isEqualTo("IN_REVIEW");
    }

    @Test
    void curatorAgreementIsPercentAndKappa() {
        // Pairs (alice, bob): (accept, accept) twice, (accept, reject), (reject, reject): 75 %, kappa 0.5.
        List<Long> samples = List.of(fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8),
                fixtures.sampleInReview(0.8));
        List<Boolean> aliceAccepts = List.of(true, true, true, false);
        List<Boolean> bobAccepts = List.of(true, true, false, false);
        signIn(alice, Role.CURATOR);
        for (int i = 0; i < samples.size(); i++) {
            reviews.decide(alice, samples.get(i), aliceAccepts.get(i) ? CuratorDecision.accept() : CuratorDecision.reject(ReasonCode.OTHER, null));
        }
        signIn(bob, Role.CURATOR);
        for (int i = 0; i < samples.size(); i++) {
            reviews.decide(bob, samples.get(i), bobAccepts.get(i) ? CuratorDecision.accept() : CuratorDecision.reject(ReasonCode.OTHER, null));
        }

        Agreement agreement = reviews.agreement();

        assertThat(agreement.curatorPairs()).isEqualTo(4);
        assertThat(agreement.curatorPercent()).isEqualTo(75.0);
        assertThat(agreement.curatorKappa()).isCloseTo(0.5, offset(1e-9));
    }
}
