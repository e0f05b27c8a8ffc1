package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.jobs.JobQueue;
import dev.ditto.outbox.Outbox;
import dev.ditto.releases.ReleaseApi;
import dev.ditto.search.SampleFixtures;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Campaigns as the fault tests need them: ready sources with a clip in the training format, a campaign started over
 * REST, workers of "other servers" whose job queue meets a fault at a chosen enqueue, and the check that a campaign
 * finished with exactly its instructions, none twice.
 */
final class CampaignFixtures {
    static final int PER_SOURCE = 2;

    private final ApplicationContext context;
    private final JdbcClient jdbc;
    private final int port;

    CampaignFixtures(ApplicationContext context, int port) {
        this.context = context;
        this.jdbc = context.getBean(JdbcClient.class);
        this.port = port;
    }

    List<Long> sources(int n) {
        SampleFixtures fixtures = new SampleFixtures(jdbc, context.getBean(Outbox.class));
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

    long start(List<Long> sources) throws Exception {
        var started = new ReleaseApi(port, context.getBean(ObjectMapper.class)).post("/api/campaigns", Map.of(
                "name", "faults " + UUID.randomUUID(), "sourceIds", sources, "perSource", PER_SOURCE, "seed", 11));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return started.json().path("id").asLong();
    }

    /** Another server's worker on the same database, whose job queue calls {@code fault} before each enqueue (1, 2, …). */
    CampaignWorker otherServer(String owner, IntConsumer fault) {
        JobQueue jobs = context.getBean(JobQueue.class);
        AtomicInteger enqueued = new AtomicInteger();
        JobQueue faulty = (JobQueue) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobQueue.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("enqueue")) {
                        fault.accept(enqueued.incrementAndGet());
                    }
                    try {
                        return method.invoke(jobs, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new CampaignWorker(jdbc, context.getBean(TransactionTemplate.class), context.getBean(AgentEngines.class),
                context.getBean(CorpusInstructions.class), faulty, context.getBean(Outbox.class),
                context.getBean(ObjectMapper.class), context.getBean(GenerateBackendSettings.class), true,
                new CampaignWorker.Lease(owner, 60), Duration.ofSeconds(60));
    }

    Map<String, Object> state(long campaign) {
        return jdbc.sql("select status, lease_owner, sources_done, written from campaigns where id = :id").param("id", campaign)
                .query((rs, i) -> {
                    Map<String, Object> m = new HashMap<>();
                    m.put("status", rs.getString(1));
                    m.put("owner", rs.getString(2));
                    m.put("sourcesDone", rs.getInt(3));
                    m.put("written", rs.getInt(4));
                    return m;
                }).single();
    }

    List<String> instructions(long campaign) {
        return jdbc.sql("select source_id || ':' || lower(text) from instructions where campaign_id = :c")
                .param("c", campaign).query(String.class).list();
    }

    void assertFinishedWithExactly(long campaign, List<Long> sources) {
        Map<String, Object> state = state(campaign);
        assertThat(state.get("status")).isEqualTo("DONE");
        assertThat(state.get("owner")).isNull();
        assertThat(state.get("written")).isEqualTo(PER_SOURCE * sources.size());
        assertThat(count("select failed_items from campaigns where id = :c", campaign)).isZero();
        assertThat(instructions(campaign)).hasSize(PER_SOURCE * sources.size()).doesNotHaveDuplicates();
        for (long source : sources) {
            assertThat(jdbc.sql("select count(*) from instructions where campaign_id = :c and source_id = :s")
                    .param("c", campaign).param("s", source).query(Integer.class).single())
                    .as("instructions of source %d", source).isEqualTo(PER_SOURCE);
        }
        assertThat(count("select count(*) from samples where campaign_id = :c", campaign)).isEqualTo(PER_SOURCE * sources.size());
        assertThat(count("""
                select count(distinct j.sample_id) from jobs j join samples s on s.id = j.sample_id
                 where s.campaign_id = :c and j.type = 'GENERATE'""", campaign))
                .isEqualTo(count("""
                        select count(*) from jobs j join samples s on s.id = j.sample_id
                         where s.campaign_id = :c and j.type = 'GENERATE'""", campaign))
                .isEqualTo(PER_SOURCE * sources.size());
    }

    private int count(String sql, long campaign) {
        return jdbc.sql(sql).param("c", campaign).query(Integer.class).single();
    }
}
