package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Agreement per curator: with the other curators on samples both decided, and with the judge. */
@DittoIntegrationTest
class CuratorAgreementIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired CuratorAgreement agreement;

    @AfterEach
    void tearDown() {
        signOut();
    }

    @Test
    void eachCuratorIsComparedWithTheOthersOnTheSameSamplesAndWithTheJudge() {
        CurationFixtures fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        fixtures.user("alice", Role.CURATOR);
        fixtures.user("bob", Role.CURATOR);
        fixtures.user("victor", Role.VIEWER);
        List<Long> samples = List.of(fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.8),
                fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.3));
        review("alice", samples.get(0), "ACCEPT", null);
        review("alice", samples.get(1), "ACCEPT", null);
        review("alice", samples.get(2), "REJECT", null);
        review("alice", samples.get(3), "REJECT", null);
        review("bob", samples.get(0), "ACCEPT", null);
        review("bob", samples.get(1), "REJECT", null);
        review("bob", samples.get(2), "REJECT", null);
        review("bob", samples.get(3), "REJECT", null);
        review("bob", samples.get(4), "REJECT", "now()"); // undone: left out
        review("bob", samples.get(4), "SKIP", null);       // a skip: left out
        signIn("victor", Role.VIEWER);

        List<CuratorAgreement.Row> rows = agreement.perCurator();

        assertThat(rows).extracting(CuratorAgreement.Row::curator).containsExactly("alice", "bob");
        CuratorAgreement.Row alice = rows.get(0);
        assertThat(alice.decisions()).isEqualTo(4);
        assertThat(alice.accepted()).isEqualTo(2);
        assertThat(alice.curatorPairs()).isEqualTo(4);
        assertThat(alice.curatorPercent()).isEqualTo(75.0);
        // observed 0.75; chance 0.5 × 0.25 + 0.5 × 0.75 = 0.5; kappa (0.75 − 0.5) / 0.5
        assertThat(alice.curatorKappa()).isCloseTo(0.5, within(1e-9));
        // the judge scored all four 0.8, an accept: alice agrees on her two accepts
        assertThat(alice.judgeComparisons()).isEqualTo(4);
        assertThat(alice.judgePercent()).isEqualTo(50.0);
        CuratorAgreement.Row bob = rows.get(1);
        assertThat(bob.decisions()).isEqualTo(4);
        assertThat(bob.curatorPercent()).isEqualTo(75.0);
        assertThat(bob.judgePercent()).isEqualTo(25.0);
    }

    private void review(String user, long sample, String decision, String undoneAt) {
        jdbc.sql("insert into reviews (sample_id, reviewer_id, decision, reason_code, undone_at) values (:s,"
                        + " (select id from users where username = :u), :d, :r, " + (undoneAt == null ? "null" : undoneAt) + ")")
                .param("s", sample).param("u", user).param("d", decision).param("r", decision.equals("REJECT") ? "OTHER" : null)
                .update();
    }
}
