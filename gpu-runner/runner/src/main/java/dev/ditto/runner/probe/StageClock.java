package dev.ditto.runner.probe;

import dev.ditto.protocol.StageTiming;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds up wall and CPU seconds per stage. CPU time is the whole process's (OpenCV and ONNX Runtime work on their own
 * threads), so with several jobs at once it includes their share too.
 */
final class StageClock {
    private final Map<String, double[]> totals = new LinkedHashMap<>();

    /** A running measurement; {@link Lap#close()} adds it to its stage. */
    Lap start(String stage) {
        return new Lap(stage, System.nanoTime(), processCpuNanos());
    }

    Map<String, StageTiming> timings() {
        Map<String, StageTiming> out = new LinkedHashMap<>();
        totals.forEach((stage, t) -> out.put(stage, new StageTiming(t[0], t[1], 0)));
        return out;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** One timed section. */
    final class Lap implements AutoCloseable {
        private final String stage;
        private final long wall;
        private final long cpu;

        private Lap(String stage, long wall, long cpu) {
            this.stage = stage;
            this.wall = wall;
            this.cpu = cpu;
        }

        @Override
        public void close() {
            double[] t = totals.computeIfAbsent(stage, s -> new double[2]);
            t[0] += (System.nanoTime() - wall) / 1e9;
            t[1] += Math.max(0, processCpuNanos() - cpu) / 1e9;
        }
    }
}
