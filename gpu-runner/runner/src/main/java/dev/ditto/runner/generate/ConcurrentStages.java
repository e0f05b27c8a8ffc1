package dev.ditto.runner.generate;

import dev.ditto.protocol.StageTiming;
import dev.ditto.runner.Progress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * Two independent stages run side by side (encode and metrics both only read the output frames). Each keeps its
 * own wall time; CPU seconds are the process's over the pair's span, split in proportion to wall time.
 */
final class ConcurrentStages implements Stage {
    private final Stage first;
    private final Stage second;

    ConcurrentStages(Stage first, Stage second) {
        this.first = first;
        this.second = second;
    }

    /** A stage's outcome with its timing. */
    record Timed(String name, StageResult result, StageTiming timing) {}

    @Override
    public String name() {
        return first.name() + "+" + second.name();
    }

    @Override
    public StageResult run(GenerationState state, Progress progress) throws Exception {
        throw new UnsupportedOperationException("run with timings");
    }

    List<Timed> run(GenerationState state, Progress progress, LongSupplier cpuNanos) throws Exception {
        long cpu0 = cpuNanos.getAsLong();
        CompletableFuture<long[]> otherWall = new CompletableFuture<>();
        CompletableFuture<StageResult> other = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                StageResult r = second.run(state, progress);
                otherWall.complete(new long[] {System.nanoTime() - t0});
                return r;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        long t0 = System.nanoTime();
        StageResult r1;
        try {
            r1 = first.run(state, progress);
        } catch (Exception e) {
            other.cancel(true);
            try {
                other.join();
            } catch (RuntimeException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
        long wall1 = System.nanoTime() - t0;
        StageResult r2;
        try {
            r2 = other.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        long wall2 = otherWall.join()[0];
        double cpu = Math.max(0, cpuNanos.getAsLong() - cpu0) / 1e9;
        double share1 = wall1 / (double) Math.max(1, wall1 + wall2);
        return List.of(
                new Timed(first.name(), r1, new StageTiming(wall1 / 1e9, cpu * share1, 0)),
                new Timed(second.name(), r2, new StageTiming(wall2 / 1e9, cpu * (1 - share1), 0)));
    }
}
