package dev.ditto.curation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReviewStatsTest {
    @Test
    void theQueueIsCountedExactlyUpToTheLimitThenShownAsMore() {
        assertThat(new ReviewStats(0, 0, 0).remainingLabel()).isEqualTo("0");
        assertThat(new ReviewStats(ReviewStats.COUNTED_UP_TO, 0, 0).remainingLabel()).isEqualTo("10000");
        assertThat(new ReviewStats(ReviewStats.COUNTED_UP_TO + 1, 0, 2_000_000).remainingLabel()).isEqualTo("10000+");
    }
}
