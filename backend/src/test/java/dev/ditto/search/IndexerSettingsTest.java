package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IndexerSettingsTest {
    private static SearchProperties.Indexer indexer(int workers, Duration yieldToSearches) {
        return new SearchProperties.Indexer(true, 1000, 500, 3, Duration.ofMillis(200), Duration.ofMinutes(5),
                Duration.ofDays(3), workers, yieldToSearches);
    }

    @Test
    void workersOutsideOneToSixteenAreRefusedByName() {
        assertThatThrownBy(() -> indexer(0, Duration.ZERO)).hasMessageContaining("ditto.search.indexer.workers must be 1 to 16");
        assertThatThrownBy(() -> indexer(17, Duration.ZERO)).hasMessageContaining("not 17");
    }

    @Test
    void aNegativeOrLongYieldIsRefusedByName() {
        assertThatThrownBy(() -> indexer(1, Duration.ofMillis(-1))).hasMessageContaining("ditto.search.indexer.yield-to-searches");
        assertThatThrownBy(() -> indexer(1, Duration.ofSeconds(6))).hasMessageContaining("0 to 5s");
    }
}
