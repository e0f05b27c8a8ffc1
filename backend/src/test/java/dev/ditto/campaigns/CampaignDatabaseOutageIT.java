package dev.ditto.campaigns;

import static dev.ditto.campaigns.CampaignFixtures.PER_SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.BackendTestApplication;
import dev.ditto.testing.FaultProxies;
import dev.ditto.testing.TcpFaultProxy.Mode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * PostgreSQL stops while a campaign's instructions are being written (every connection reset, new ones refused) and
 * comes back a few seconds later: the writer retries, and the campaign finishes with exactly its instructions.
 */
@SpringBootTest(classes = BackendTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = FaultProxies.Initializer.class)
@TestPropertySource(properties = "ditto.campaigns.enabled=false")
class CampaignDatabaseOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    @Autowired ApplicationContext context;
    @Autowired FaultProxies proxies;
    @LocalServerPort int port;

    @AfterEach
    void restore() {
        proxies.restore();
    }

    @Test
    void postgresqlStoppingWhileInstructionsAreWrittenAndComingBackLeavesExactlyTheRequestedInstructions() throws Exception {
        CampaignFixtures campaigns = new CampaignFixtures(context, port);
        List<Long> sources = campaigns.sources(3);
        long campaign = campaigns.start(sources);
        CompletableFuture<Void> back = new CompletableFuture<>();
        CampaignWorker writer = campaigns.otherServer("server-outage", n -> {
            if (n == PER_SOURCE + 1) { // in the middle of the second source's transaction
                proxies.postgres().set(Mode.DOWN);
                CompletableFuture.runAsync(() -> {
                    proxies.postgres().set(Mode.FORWARD);
                    back.complete(null);
                }, CompletableFuture.delayedExecutor(OUTAGE.toMillis(), TimeUnit.MILLISECONDS));
            }
        });

        long started = System.nanoTime();
        writer.runAvailable();
        writer.stop();

        assertThat(back).as("the outage happened during the run").isDone();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(OUTAGE);
        campaigns.assertFinishedWithExactly(campaign, sources);
    }
}
