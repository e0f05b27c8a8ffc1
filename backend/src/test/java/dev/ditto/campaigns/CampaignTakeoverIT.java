package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.jobs.JobQueue;
import dev.ditto.outbox.Outbox;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.search.SampleFixtures;
import dev.ditto.testing.DittoIntegrationTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Campaign writing survives its server: a campaign whose server died mid-source (its lease no longer heartbeated) is
 * taken over at the first source not yet written and finishes with exactly the requested instructions, none twice;
 * a database that fails for a moment is retried, not counted as a failed source.
 */
@DittoIntegrationTest
// the test plays the servers itself: the scheduled poll of this context would race them for the campaign
@TestPropertySource(properties = "ditto.campaigns.enabled=false")
class CampaignTakeoverIT {
    private static final int PER_SOURCE = 2;

    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired AgentEngines engines;
    @Autowired CorpusInstructions corpus;
    @Autowired JobQueue jobs;
    @Autowired Outbox outbox;
    @Autowired ObjectMapper json;
    @Autowired GenerateBackendSettings backendSettings;
    @Autowired CampaignWorker worker;
    @LocalServerPort int port;

    /** What a killed process does to the thread that was writing: it stops, mid-transaction, and commits nothing. */
    static final class Killed extends Error {
        Killed() {
            super("the server was killed");
        }
    }

    @Test
    void aCampaignWhoseServerDiedIsTakenOverAndFinishesWithExactlyTheRequestedInstructions() throws Exception {
        List<Long> sources = sources(3);
        long campaign = start(sources);
        // server A writes the first source, then dies writing the second (after one of its samples)
        CampaignWorker serverA = otherServer("server-a", n -> {
            if (n > PER_SOURCE + 1) {
                throw new Killed();
            }
            return null;
        });

        assertThatThrownBy(serverA::runAvailable).isInstanceOf(Killed.class);
        serverA.stop();

        assertThat(state(campaign)).isEqualTo(Map.of("status", "RUNNING", "owner", "server-a", "sourcesDone", 1,
                "written", PER_SOURCE));
        assertThat(instructions(campaign)).as("the killed transaction of the second source left nothing").hasSize(PER_SOURCE);

        worker.runAvailable();
        assertThat(state(campaign).get("owner")).as("a lease that has not run out is respected").isEqualTo("server-a");

        jdbc.sql("update campaigns set lease_until = now() - interval '1 second' where id = :id").param("id", campaign).update();
        worker.runAvailable();

        assertFinishedWithExactly(campaign, sources);
    }

    @Test
    void aDatabaseThatFailsForAMomentIsRetriedNotCountedAsAFailedSource() throws Exception {
        List<Long> sources = sources(2);
        long campaign = start(sources);
        CampaignWorker flaky = otherServer("server-flaky", n -> {
            if (n == PER_SOURCE + 1) {
                throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection (simulated outage)");
            }
            return null;
        });

        flaky.runAvailable();
        flaky.stop();

        assertFinishedWithExactly(campaign, sources);
    }

    private void assertFinishedWithExactly(long campaign, List<Long> sources) {
        Map<String, Object> state = state(campaign);
        assertThat(state.get("status")).isEqualTo("DONE");
        assertThat(state.get("owner")).isNull();
        assertThat(state.get("written")).isEqualTo(PER_SOURCE * sources.size());
        assertThat(jdbc.sql("select failed_items from campaigns where id = :id").param("id", campaign).query(Integer.class).single())
                .isZero();
        List<String> written = instructions(campaign);
        assertThat(written).hasSize(PER_SOURCE * sources.size()).doesNotHaveDuplicates();
        for (long source : sources) {
            assertThat(jdbc.sql("select count(*) from instructions where campaign_id = :c and source_id = :s")
                    .param("c", campaign).param("s", source).query(Integer.class).single())
                    .as("instructions of source %d", source).isEqualTo(PER_SOURCE);
        }
        assertThat(jdbc.sql("select count(*) from samples where campaign_id = :c").param("c", campaign).query(Integer.class).single())
                .isEqualTo(PER_SOURCE * sources.size());
        assertThat(jdbc.sql("""
                select count(distinct j.sample_id) from jobs j join samples s on s.id = j.sample_id
                 where s.campaign_id = :c and j.type = 'GENERATE'""").param("c", campaign).query(Integer.class).single())
                .isEqualTo(jdbc.sql("""
                        select count(*) from jobs j join samples s on s.id = j.sample_id
                         where s.campaign_id = :c and j.type = 'GENERATE'""").param("c", campaign).query(Integer.class).single())
                .isEqualTo(PER_SOURCE * sources.size());
    }

    /** Another server's worker on the same database, whose job queue calls {@code fault} before each enqueue (1, 2, …). */
    private CampaignWorker otherServer(String owner, IntFunction<Void> fault) {
        AtomicInteger enqueued = new AtomicInteger();
        JobQueue faulty = (JobQueue) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobQueue.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("enqueue")) {
                        fault.apply(enqueued.incrementAndGet());
                    }
                    try {
                        return method.invoke(jobs, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new CampaignWorker(jdbc, tx, engines, corpus, faulty, outbox, json, backendSettings, true,
                new CampaignWorker.Lease(owner, 60), Duration.ofSeconds(30));
    }

    private List<Long> sources(int n) {
        SampleFixtures fixtures = new SampleFixtures(jdbc, outbox);
        String[] scenes = {"a dog runs along a sandy beach", "a man cycles down a city street", "a cat sleeps on a red sofa"};
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var source = fixtures.aSource(scenes[i] + " " + UUID.randomUUID(), "outdoor");
            jdbc.sql("update source_assets set width = 832, height = 480, frames = 73, fps = 20 where id = :id")
                    .param("id", source.clipId()).update();
            ids.add(source.id());
        }
        return ids;
    }

    private long start(List<Long> sources) throws Exception {
        var started = new ReleaseApi(port, json).post("/api/campaigns", Map.of("name", "takeover " + UUID.randomUUID(),
                "sourceIds", sources, "perSource", PER_SOURCE, "seed", 11));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return started.json().path("id").asLong();
    }

    private Map<String, Object> state(long campaign) {
        return jdbc.sql("select status, lease_owner, sources_done, written from campaigns where id = :id").param("id", campaign)
                .query((rs, i) -> {
                    Map<String, Object> m = new java.util.HashMap<>();
                    m.put("status", rs.getString(1));
                    m.put("owner", rs.getString(2));
                    m.put("sourcesDone", rs.getInt(3));
                    m.put("written", rs.getInt(4));
                    return m;
                }).single();
    }

    private List<String> instructions(long campaign) {
        return jdbc.sql("select source_id || ':' || lower(text) from instructions where campaign_id = :c")
                .param("c", campaign).query(String.class).list();
    }
}
