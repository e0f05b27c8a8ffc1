package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IndexerSettingsTest {
    private static SearchProperties.Indexer indexer(int workers, Duration yieldToSearches) {
        return indexer(workers, yieldToSearches, 600);
    }

    private static SearchProperties.Indexer indexer(int workers, Duration yieldToSearches, int rateWhileSearching) {
        return new SearchProperties.Indexer(true, 1000, 500, 3, Duration.ofMillis(200), Duration.ofMinutes(5),
                Duration.ofDays(3), workers, yieldToSearches, rateWhileSearching);
    }

    @Test
    void workersOutsideOneToSixteenAreRefusedByName() {
        assertThatThrownBy(() -> indexer(0, Duration.ZERO)).hasMessageContaining("ditto.search.indexer.workers must be 1 to 16");
        assertThatThrownBy(() -> indexer(17, Duration.ZERO)).hasMessageContaining("not 17");
    }

    @Test
    void aNegativeRateIsRefusedByName() {
        assertThatThrownBy(() -> indexer(1, Duration.ZERO, -1)).hasMessageContaining("ditto.search.indexer.rate-while-searching");
    }

    @Test
    void whilePeopleSearchABatchTakesAtLeastItsShareOfTheRate() {
        // 500 documents at 600/s are due in 833 ms: a batch that took 300 ms waits the other 533 ms
        assertThat(OutboxIndexer.pause(indexer(1, Duration.ZERO, 600), true, 500, Duration.ofMillis(300)))
                .isBetween(Duration.ofMillis(533), Duration.ofMillis(534));
        // two loops share the rate: each is due in twice the time
        assertThat(OutboxIndexer.pause(indexer(2, Duration.ZERO, 600), true, 500, Duration.ofMillis(300)))
                .isBetween(Duration.ofMillis(1366), Duration.ofMillis(1367));
        // a batch slower than its share does not wait
        assertThat(OutboxIndexer.pause(indexer(1, Duration.ZERO, 600), true, 500, Duration.ofSeconds(1))).isZero();
    }

    @Test
    void withNoOneSearchingOrNoLimitTheIndexerRunsFlatOut() {
        assertThat(OutboxIndexer.pause(indexer(1, Duration.ZERO, 600), false, 500, Duration.ofMillis(10))).isZero();
        assertThat(OutboxIndexer.pause(indexer(1, Duration.ZERO, 0), true, 500, Duration.ofMillis(10))).isZero();
        assertThat(OutboxIndexer.pause(indexer(1, Duration.ZERO, 600), true, 0, Duration.ZERO)).isZero();
    }

    @Test
    void aNegativeOrLongYieldIsRefusedByName() {
        assertThatThrownBy(() -> indexer(1, Duration.ofMillis(-1))).hasMessageContaining("ditto.search.indexer.yield-to-searches");
        assertThatThrownBy(() -> indexer(1, Duration.ofSeconds(6))).hasMessageContaining("0 to 5s");
    }
}
