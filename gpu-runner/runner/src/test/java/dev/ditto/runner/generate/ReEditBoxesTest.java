package dev.ditto.runner.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReEditBoxesTest {
    private static final int W = 832;
    private static final int H = 480;

    private static long total(List<int[]> boxes, int margin) {
        return boxes.stream().mapToLong(b -> PropagationStage.cost(b, margin, W, H)).sum();
    }

    private static boolean covers(List<int[]> boxes, int[] b) {
        return boxes.stream().anyMatch(u -> u[0] <= b[0] && u[1] <= b[1] && u[2] >= b[2] && u[3] >= b[3]);
    }

    @Test
    void nearbyHolesShareOneEditAndDistantOnesStayApart() {
        int[] a = {100, 100, 120, 120};
        int[] b = {130, 100, 150, 120};
        int[] far = {700, 400, 720, 420};
        List<int[]> merged = PropagationStage.mergeBoxes(List.of(a, b, far), 32, W, H);
        assertThat(merged).hasSize(2);
        assertThat(covers(merged, a) && covers(merged, b) && covers(merged, far)).isTrue();
    }

    @Test
    void mergingNeverCostsMoreAndEveryHoleStaysCovered() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<int[]> boxes = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(40); i++) {
                int x = random.nextInt(W - 10);
                int y = random.nextInt(H - 10);
                boxes.add(new int[] {x, y, Math.min(W, x + 1 + random.nextInt(80)), Math.min(H, y + 1 + random.nextInt(80))});
            }
            int margin = 8 + random.nextInt(40);
            List<int[]> merged = PropagationStage.mergeBoxes(boxes, margin, W, H);
            assertThat(total(merged, margin)).isLessThanOrEqualTo(total(boxes, margin));
            for (int[] b : boxes) {
                assertThat(covers(merged, b)).isTrue();
            }
        }
    }
}
