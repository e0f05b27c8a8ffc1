package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.time.Duration;
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
    @Autowired DecisionBatches batches;
    @Autowired DecisionBatchWorker worker;

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
    void aBatchDecisionIsOneOfTheTwoReviewsAndItsUndoLeavesTheOtherCuratorsReview() {
        List<Long> ids = List.of(fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8),
                fixtures.sampleInReview(0.8));
        signIn(bob, Role.CURATOR);
        reviews.decide(bob, ids.get(0), CuratorDecision.accept());
        reviews.decide(bob, ids.get(1), CuratorDecision.reject(ReasonCode.FLICKER, null));
        reviews.decide(bob, ids.get(3), CuratorDecision.accept());
        signIn(carol, Role.CURATOR);
        // carol holds #3 and #4 on screen (the one shown and the one prefetched)
        assertThat(reviews.next(carol, ids.subList(0, 2)).orElseThrow().sampleId()).isEqualTo(ids.get(2));
        assertThat(reviews.next(carol, ids.subList(0, 3)).orElseThrow().sampleId()).isEqualTo(ids.get(3));
        long aliceId = jdbc.sql("select id from users where username = 'alice'").query(Long.class).single();
        long batch = jdbc.sql("""
                insert into decision_batches (created_by, query, match, label, decision, matched, state)
                values (:u, '{"text": "cup"}', 'WORDS', '"cup" (words only)', 'ACCEPT', 4, 'RUNNING') returning id""")
                .param("u", aliceId).query(Long.class).single();
        for (long id : ids) {
            jdbc.sql("insert into decision_batch_samples (batch_id, sample_id) values (:b, :s)").param("b", batch).param("s", id).update();
        }

        worker.wake();
        signIn(alice, Role.CURATOR);
        await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                .until(() -> batches.find(batch).orElseThrow().state(), s -> s == DecisionBatch.State.DONE);
        DecisionBatch done = batches.find(batch).orElseThrow();

        // #1: bob and alice accepted; #2: bob rejected, so the two disagree and it waits for a lead; #3: one review of
        // two so far (carol's lease leaves room for it); #4: bob decided and carol holds it, alice would be a third: left alone
        assertThat(fixtures.status(ids.get(0))).isEqualTo("ACCEPTED");
        assertThat(fixtures.status(ids.get(1))).isEqualTo("IN_REVIEW");
        assertThat(jdbc.sql("select count(*) from adjudications where sample_id = :id and decided_at is null").param("id", ids.get(1))
                .query(Long.class).single()).isEqualTo(1);
        assertThat(fixtures.status(ids.get(2))).isEqualTo("IN_REVIEW");
        assertThat(fixtures.status(ids.get(3))).isEqualTo("IN_REVIEW");
        assertThat(done.decided()).isEqualTo(3);
        assertThat(done.skippedReasons()).containsExactly(new DecisionBatch.ReasonCount("carol is reviewing it now", 1));

        batches.undo(alice, batch);
        await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                .until(() -> batches.find(batch).orElseThrow().state(), s -> s == DecisionBatch.State.UNDONE);

        assertThat(ids).allSatisfy(id -> assertThat(fixtures.status(id)).isEqualTo("IN_REVIEW"));
        assertThat(jdbc.sql("select count(*) from adjudications").query(Long.class).single())
                .as("the disagreement is gone with alice's review").isZero();
        assertThat(jdbc.sql("select count(*) from reviews where reviewer_id = (select id from users where username = 'bob') and undone_at is null")
                .query(Long.class).single()).isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from reviews where reviewer_id = :u and undone_at is null").param("u", aliceId)
                .query(Long.class).single()).isZero();
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
    void aSampleIsFinalAfterTwoAgreeingDecisionsAndADisagreementWaitsForALead() {
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
        assertThat(fixtures.status(split)).as("a disagreement is not a rejection").isEqualTo("IN_REVIEW");
        assertThat(fixtures.outboxEvents(agreed)).isEqualTo(1);
        assertThat(fixtures.audit(split)).extracting(CurationFixtures.AuditRow::action).containsExactly("review.accept", "review.reject");
        assertThat(fixtures.audit(split).getLast().after()).contains("a lead decides");
        signIn(carol, Role.CURATOR);
        assertThat(reviews.next(carol)).as("a third curator is not served it").isEmpty();

        signIn(bob, Role.CURATOR);
        reviews.undo(bob);
        assertThat(fixtures.status(split)).as("one decision left of two").isEqualTo("IN_REVIEW");
        assertThat(jdbc.sql("select count(*) from adjudications where sample_id = :id").param("id", split).query(Long.class).single())
                .as("nothing to adjudicate any more").isZero();
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
