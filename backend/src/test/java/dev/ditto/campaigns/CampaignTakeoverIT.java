package dev.ditto.campaigns;

import static dev.ditto.campaigns.CampaignFixtures.PER_SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.testing.DittoIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Campaign writing survives its server: a campaign whose server died mid-source (its lease no longer heartbeated) is
 * taken over at the first source not yet written and finishes with exactly the requested instructions, none twice;
 * a database that fails for a moment is retried, not counted as a failed source.
 */
@DittoIntegrationTest
// the test plays the servers itself: the scheduled poll of this context would race them for the campaign
@TestPropertySource(properties = "ditto.campaigns.enabled=false")
class CampaignTakeoverIT {
    @Autowired ApplicationContext context;
    @Autowired JdbcClient jdbc;
    @Autowired CampaignWorker worker;
    @LocalServerPort int port;

    private CampaignFixtures campaigns;

    /** What a killed process does to the thread that was writing: it stops, mid-transaction, and commits nothing. */
    static final class Killed extends Error {
        Killed() {
            super("the server was killed");
        }
    }

    @BeforeEach
    void setUp() {
        campaigns = new CampaignFixtures(context, port);
    }

    @Test
    void aCampaignWhoseServerDiedIsTakenOverAndFinishesWithExactlyTheRequestedInstructions() throws Exception {
        List<Long> sources = campaigns.sources(3);
        long campaign = campaigns.start(sources);
        // server A writes the first source, then dies writing the second (after one of its samples)
        CampaignWorker serverA = campaigns.otherServer("server-a", n -> {
            if (n > PER_SOURCE + 1) {
                throw new Killed();
            }
        });

        assertThatThrownBy(serverA::runAvailable).isInstanceOf(Killed.class);
        serverA.stop();

        assertThat(campaigns.state(campaign)).isEqualTo(Map.of("status", "RUNNING", "owner", "server-a", "sourcesDone", 1,
                "written", PER_SOURCE));
        assertThat(campaigns.instructions(campaign)).as("the killed transaction of the second source left nothing")
                .hasSize(PER_SOURCE);

        worker.runAvailable();
        assertThat(campaigns.state(campaign).get("owner")).as("a lease that has not run out is respected").isEqualTo("server-a");

        jdbc.sql("update campaigns set lease_until = now() - interval '1 second' where id = :id").param("id", campaign).update();
        worker.runAvailable();

        campaigns.assertFinishedWithExactly(campaign, sources);
    }

    @Test
    void aCampaignThatCannotBeWrittenAtAllIsMarkedFailedWithTheReasonNotRetriedForever() throws Exception {
        long campaign = campaigns.start(campaigns.sources(1));
        jdbc.sql("update campaigns set selection = '{}'::jsonb where id = :id").param("id", campaign).update();

        worker.runAvailable();

        assertThat(campaigns.state(campaign).get("status")).isEqualTo("FAILED");
        assertThat(jdbc.sql("select error from campaigns where id = :id").param("id", campaign).query(String.class).single())
                .startsWith("writing failed: ");
    }

    @Test
    void aDatabaseThatFailsForAMomentIsRetriedNotCountedAsAFailedSource() throws Exception {
        List<Long> sources = campaigns.sources(2);
        long campaign = campaigns.start(sources);
        CampaignWorker flaky = campaigns.otherServer("server-flaky", n -> {
            if (n == PER_SOURCE + 1) {
                throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection (simulated outage)");
            }
        });

        flaky.runAvailable();
        flaky.stop();

        campaigns.assertFinishedWithExactly(campaign, sources);
    }
}
