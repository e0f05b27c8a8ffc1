package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameStripWriterTest {

    @Test
    void theStripsFramesAreFirstLastAndEvenlyBetween() {
        assertThat(FrameStripWriter.indices(73, 4)).containsExactly(0, 24, 48, 72);
        assertThat(FrameStripWriter.indices(33, 4)).containsExactly(0, 11, 21, 32);
        assertThat(FrameStripWriter.indices(5, 4)).containsExactly(0, 1, 3, 4);
        assertThat(FrameStripWriter.indices(3, 4)).containsExactly(0, 1, 2);
        assertThat(FrameStripWriter.indices(1, 4)).containsExactly(0);
    }
}
