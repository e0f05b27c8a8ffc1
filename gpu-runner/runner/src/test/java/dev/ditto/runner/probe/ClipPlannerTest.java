package dev.ditto.runner.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClipPlannerTest {
    private static final double CLIP = 3.65;

    @Test
    void longShotGivesOneClipPerMaxClipStretch() {
        List<ClipPlanner.Window> w = ClipPlanner.plan(List.of(), 24.0, CLIP, 2, 8, 100);
        assertThat(w).hasSize(3);
        assertThat(w).allSatisfy(x -> assertThat(x.end() - x.start()).isCloseTo(CLIP, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(w.getFirst().start()).isCloseTo(2.175, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void noClipStraddlesASceneCut() {
        List<Double> cuts = List.of(5.0, 9.0, 10.0);
        List<ClipPlanner.Window> w = ClipPlanner.plan(cuts, 20.0, CLIP, 2, 8, 100);
        for (ClipPlanner.Window x : w) {
            for (double cut : cuts) {
                assertThat(cut <= x.start() || cut >= x.end()).as("cut %s outside %s", cut, x).isTrue();
            }
        }
        // the 1 s scene between 9 and 10 is too short for a clip
        assertThat(w).noneMatch(x -> x.start() >= 9.0 && x.end() <= 10.0);
        assertThat(w).hasSize(1 + 1 + 2);
    }

    @Test
    void sourceShorterThanAClipGivesNothing() {
        assertThat(ClipPlanner.plan(List.of(), 3.0, CLIP, 2, 8, 100)).isEmpty();
    }

    @Test
    void clipCountIsCapped() {
        assertThat(ClipPlanner.plan(List.of(), 3600.0, CLIP, 2, 8, 10)).hasSize(10);
    }
}
