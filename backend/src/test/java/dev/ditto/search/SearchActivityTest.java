package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SearchActivityTest {
    private final SearchActivity activity = new SearchActivity();

    @Test
    void nothingRunningMeansNoWait() throws Exception {
        assertThat(activity.awaitQuiet(Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aRunningSearchHoldsTheIndexerUpToTheLimit() throws Exception {
        try (SearchActivity.Running running = activity.begin()) {
            assertThat(activity.inFlight()).isEqualTo(1);
            assertThat(activity.awaitQuiet(Duration.ofMillis(80))).isGreaterThanOrEqualTo(Duration.ofMillis(80));
        }
        assertThat(activity.inFlight()).isZero();
    }

    @Test
    void theIndexerGoesOnAsSoonAsTheLastSearchEnds() throws Exception {
        SearchActivity.Running first = activity.begin();
        SearchActivity.Running second = activity.begin();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Duration> indexer = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return activity.awaitQuiet(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        first.close();
        assertThat(indexer).isNotDone(); // one search still runs
        second.close();
        assertThat(indexer.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void peopleCountAsSearchingForAWhileAfterTheirLastSearch() {
        long[] now = {1_000_000_000L};
        SearchActivity clocked = new SearchActivity(() -> now[0]);
        assertThat(clocked.searchedWithin(SearchActivity.RECENTLY)).as("no search yet").isFalse();
        SearchActivity.Running running = clocked.begin();
        now[0] += Duration.ofMinutes(1).toNanos();
        assertThat(clocked.searchedWithin(SearchActivity.RECENTLY)).as("a long search still running").isTrue();
        running.close();
        now[0] += SearchActivity.RECENTLY.toNanos();
        assertThat(clocked.searchedWithin(SearchActivity.RECENTLY)).isTrue();
        now[0] += 1;
        assertThat(clocked.searchedWithin(SearchActivity.RECENTLY)).isFalse();
    }
}
