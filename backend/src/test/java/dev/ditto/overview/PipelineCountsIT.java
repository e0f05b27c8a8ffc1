package dev.ditto.overview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.jobs.MutableClock;
import dev.ditto.jobs.QueueIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The overview's runner figures with a fleet larger than one page: counted in PostgreSQL, listed a page at a time. */
@QueueIntegrationTest
class PipelineCountsIT {
    private static final int ALIVE = 70;
    private static final int OFFLINE = 30;
    private static final int NEVER_SEEN = 20;

    @Autowired PipelineCounts counts;
    @Autowired JdbcClient jdbc;
    @Autowired MutableClock clock;

    private final List<Long> aliveIds = new ArrayList<>();

    @BeforeEach
    void aFleetOf120() {
        jdbc.sql("delete from jobs").update();
        Instant now = clock.instant();
        jdbc.sql("update runners set revoked_at = :now where revoked_at is null").param("now", Timestamp.from(now)).update();
        // the alive ones heard from within the last 36 s (alive is 45 s), the offline ones 2 to 2½ min ago
        for (int i = 0; i < ALIVE; i++) {
            aliveIds.add(runner("fleet-alive-" + i, now.minusMillis(500L * i + 1000)));
        }
        for (int i = 0; i < OFFLINE; i++) {
            runner("fleet-offline-" + i, now.minusSeconds(120 + i));
        }
        for (int i = 0; i < NEVER_SEEN; i++) {
            runner("fleet-new-" + i, null);
        }
        // the most recently heard from runs two jobs, the next one job; a revoked runner's job counts for nobody
        running(aliveIds.get(0));
        running(aliveIds.get(0));
        running(aliveIds.get(1));
        long revoked = runner("fleet-revoked", now.minusSeconds(1));
        jdbc.sql("update runners set revoked_at = :now where id = :id").param("now", Timestamp.from(now)).param("id", revoked).update();
        running(revoked);
        clock.advance(Duration.ofSeconds(3)); // a snapshot of another test is not reused
    }

    @Test
    void theFleetIsCountedWithoutReadingEveryRunner() {
        PipelineSnapshot s = counts.snapshot();

        assertThat(s.fleet()).isEqualTo(new PipelineSnapshot.Fleet(ALIVE + OFFLINE + NEVER_SEEN, ALIVE, NEVER_SEEN, 2, 3));
        assertThat(s.fleet().offline()).isEqualTo(OFFLINE + NEVER_SEEN);
        assertThat(s.recentRunners()).hasSize(PipelineCounts.RECENT_RUNNERS);
        assertThat(s.recentRunners().getFirst().id()).isEqualTo(aliveIds.getFirst());
        assertThat(s.recentRunners().getFirst().runningJobs()).isEqualTo(2);
        assertThat(s.recentRunners().get(1).runningJobs()).isEqualTo(1);
        assertThat(s.recentRunners().get(2).busy()).isFalse();
        assertThat(s.recentRunners()).allMatch(PipelineSnapshot.RunnerStatus::alive);
    }

    @Test
    void everyRunnerIsReachedPageByPageMostRecentlyHeardFromFirst() {
        List<PipelineSnapshot.RunnerStatus> all = new ArrayList<>();
        for (int offset = 0; ; offset += 40) {
            List<PipelineSnapshot.RunnerStatus> page = counts.runners(offset, 40);
            all.addAll(page);
            if (page.size() < 40) {
                break;
            }
        }

        assertThat(all).hasSize(ALIVE + OFFLINE + NEVER_SEEN);
        Set<Long> ids = new HashSet<>();
        all.forEach(r -> ids.add(r.id()));
        assertThat(ids).as("no runner twice").hasSize(all.size());
        assertThat(all.subList(0, ALIVE)).allMatch(PipelineSnapshot.RunnerStatus::alive);
        assertThat(all.subList(ALIVE, ALIVE + OFFLINE)).noneMatch(PipelineSnapshot.RunnerStatus::alive)
                .allMatch(r -> r.lastHeartbeat() != null);
        assertThat(all.subList(ALIVE + OFFLINE, all.size())).allMatch(r -> r.lastHeartbeat() == null);
        assertThat(all).extracting(PipelineSnapshot.RunnerStatus::name).doesNotContain("fleet-revoked");
    }

    private long runner(String name, @Nullable Instant lastSeen) {
        return jdbc.sql("""
                        insert into runners (name, token_hash, token_hint, last_seen_at)
                        values (:name, md5(random()::text) || :name, 'dtr_…', cast(:seen as timestamptz)) returning id""")
                .param("name", name + "-" + System.nanoTime()).param("seen", lastSeen == null ? null : Timestamp.from(lastSeen))
                .query(Long.class).single();
    }

    private void running(long runnerId) {
        jdbc.sql("""
                        insert into jobs (type, payload, status, lease_owner, lease_expires_at, attempts)
                        values ('PROBE', '{}', 'RUNNING', :runner, :until, 1)""")
                .param("runner", runnerId).param("until", Timestamp.from(clock.instant().plusSeconds(60))).update();
    }
}
