package dev.ditto.runner.generate;

import dev.ditto.protocol.StageTiming;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.VideoWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.nio.file.Path;

/**
 * Propagation → temporal enhancer → screen effects → encode + metrics, frame by frame instead of stage by stage, so
 * the encoder (one thread) and the two sequential smoothing walks run while other frames are still being rendered.
 *
 * <p>Every frame gets exactly the work, in exactly the data order, that the stages run one after another give it:
 * the frames before the key frame are rendered first; the backward walk smooths key−1 … 0 as they arrive, while the
 * frames after the key frame are rendered; once frame 0 is final the encoder takes the frames in order, each after
 * the walk no longer needs it unaltered (screen effects are laid over it just before it is encoded, as the effects
 * stage did after the enhancer), and hands it to the metrics; the forward walk smooths key+1 … n−1 meanwhile. The
 * workers render the frames before the key frame before those after it, so that segment is encoded while the rest is
 * still being rendered rather than alone at the end; a pointwise edit (no walks) renders both segments from their
 * first frame on, side by side, so both encoders start at once. The metrics measure each neighbouring pair as soon as
 * both its frames are in.
 *
 * <p>Timings: stages overlap, so each stage's wall seconds are the time its work kept a thread busy, and its CPU
 * seconds that work's thread CPU time.
 */
final class FramePipeline {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PropagationStage propagation = new PropagationStage();
    private final TemporalEnhancerStage enhancer = new TemporalEnhancerStage();
    private final ScreenEffectsStage effects = new ScreenEffectsStage();
    private final EncodeStage encode = new EncodeStage();
    private final MetricsStage metrics = new MetricsStage();

    /** Busy time of one stage across the threads that worked for it. */
    private static final class Clock {
        final LongAdder wall = new LongAdder();
        final LongAdder cpu = new LongAdder();

        <T> T time(ThrowingSupplier<T> work) throws Exception {
            long w0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            try {
                return work.get();
            } finally {
                wall.add(System.nanoTime() - w0);
                cpu.add(Math.max(0, THREADS.getCurrentThreadCpuTime() - c0));
            }
        }

        void run(ThrowingRunnable work) throws Exception {
            time(() -> {
                work.run();
                return null;
            });
        }

        StageTiming timing() {
            return new StageTiming(wall.sum() / 1e9, cpu.sum() / 1e9, 0.0);
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    @FunctionalInterface
    private interface FrameWork {
        void run(VideoWriter writer, int t) throws Exception;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A worker's task: lower rank first, then in the order submitted. */
    private record Ranked(Runnable work, long rank, long order) implements Runnable, Comparable<Ranked> {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Ranked other) {
            int byRank = Long.compare(rank, other.rank);
            return byRank != 0 ? byRank : Long.compare(order, other.order);
        }
    }

    /** Runs the stages over the job; their timings and results in pipeline order. */
    List<ConcurrentStages.Timed> run(GenerationState s, Progress progress, java.util.function.LongSupplier cpuNanos)
            throws Exception {
        if (!PropagationStage.followsFlow(s)) {
            return oneAfterAnother(s, progress, cpuNanos);
        }
        int n = s.frames();
        int key = s.keyIndex;
        Clock propagating = new Clock();
        Clock smoothing = new Clock();
        Clock layering = new Clock();
        Clock encoding = new Clock();
        Clock measuring = new Clock();
        PropagationStage.Paths paths = PropagationStage.paths(s);
        s.keyEdited = s.output[key].clone();
        boolean pointwise = s.plan.operator().pointwise();
        MetricsStage.Frames measured = new MetricsStage.Frames(s);

        @SuppressWarnings("unchecked")
        CompletableFuture<?>[] rendered = new CompletableFuture[n];
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] smoothed = new CompletableFuture[n];
        List<CompletableFuture<Void>> measuredFrames = new ArrayList<>();
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        // the workers take the most urgent task first (Ranked): measuring a final frame, then rendering the frames
        // before the key frame, nearest first, then those after it; the segment before the key frame can only be
        // encoded once its first frame is final, so it is finished first and encoded while the frames after the key
        // frame are still being rendered, instead of alone at the end
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<>(), Thread.ofPlatform().daemon().name("generate-", 0).factory());
        AtomicLong submitted = new AtomicLong();
        // two path walks (the flow's), two smoothing walks, one of each per direction, and the second encoder
        ExecutorService walks = Executors.newFixedThreadPool(5, Thread.ofPlatform().daemon().name("walk-", 0).factory());
        try {
            rendered[key] = CompletableFuture.completedFuture(null);
            smoothed[key] = CompletableFuture.completedFuture(null);
            // frames before the key frame first, nearest first: the backward walk and then the encoder wait on them
            List<Integer> order = new ArrayList<>();
            for (int t = key - 1; t >= 0; t--) {
                order.add(t);
            }
            for (int t = key + 1; t < n; t++) {
                order.add(t);
            }
            if (!pointwise) {
                for (int dir : new int[] {-1, +1}) {
                    walks.execute(() -> unchecked(() -> propagating.run(() -> paths.walk(s, dir))));
                }
            }
            for (int t : order) {
                // a frame renders as soon as its path to the key frame is known; a pointwise edit has no walks, so
                // both segments are rendered from their first frame on, side by side, for the two encoders
                long rank = pointwise ? (t < key ? t : t - key) : t < key ? key - t : t;
                rendered[t] = paths.ready[t].thenRunAsync(() -> unchecked(() ->
                        propagating.run(() -> PropagationStage.renderFrame(s, paths, t))),
                        work -> pool.execute(new Ranked(work, rank, submitted.incrementAndGet())));
                // a pointwise edit is as steady as its source: nothing to smooth, a frame is final once rendered
                smoothed[t] = pointwise ? rendered[t].thenRun(() -> { }) : new CompletableFuture<>();
            }
            for (int dir : pointwise ? new int[0] : new int[] {-1, +1}) {
                walks.execute(() -> {
                    for (int t = key + dir; t >= 0 && t < n; t += dir) {
                        try {
                            join(rendered[t]);
                            int frame = t;
                            smoothing.run(() -> TemporalEnhancerStage.smoothStep(s, frame, dir));
                            smoothed[t].complete(null);
                        } catch (Throwable e) {
                            for (int u = t; u >= 0 && u < n; u += dir) {
                                smoothed[u].completeExceptionally(e);
                            }
                            return;
                        }
                    }
                });
            }
            // Two encoders: the frames from the key frame on are encoded as the forward walk finishes them, while
            // the frames before it still wait for the backward walk to reach the first frame; the two segments are
            // then joined without re-encoding. One encoder would have to wait for the first frame before starting.
            List<CompletableFuture<Void>> measuredList = java.util.Collections.synchronizedList(measuredFrames);
            AtomicInteger encodedFrames = new AtomicInteger();
            FrameWork encodeFrame = (writer, t) -> {
                layering.run(() -> ScreenEffectsStage.applyTo(s, t));
                measuredList.add(CompletableFuture.runAsync(() -> unchecked(() ->
                        measuring.run(() -> measured.add(t))),
                        work -> pool.execute(new Ranked(work, 0, submitted.incrementAndGet()))));
                encoding.run(() -> writer.write(s.output[t]));
                int e = encodedFrames.incrementAndGet();
                if (e % 8 == 0) {
                    progress.report("encode", 0.8 * e / n);
                }
            };
            Path tailFile = key == 0 ? EncodeStage.videoFile(s) : EncodeStage.segmentFile(s, "tail");
            CompletableFuture<String> tail = CompletableFuture.supplyAsync(() -> {
                try (VideoWriter writer = EncodeStage.open(s, tailFile)) {
                    for (int t = key; t < n; t++) {
                        GenerationState.checkInterrupted();
                        join(smoothed[t]);
                        // the walks read frame t unaltered to smooth their next frames: t + 1 going forwards, and
                        // (the key frame) key − 1 going backwards
                        if (t + 1 < n) {
                            join(smoothed[t + 1]);
                        }
                        if (t == key && key > 0) {
                            join(smoothed[key - 1]);
                        }
                        encodeFrame.run(writer, t);
                    }
                    encoding.run(writer::close);
                    return writer.encoderName();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, walks);
            String encoder;
            if (key > 0) {
                Path headFile = EncodeStage.segmentFile(s, "head");
                try (VideoWriter writer = EncodeStage.open(s, headFile)) {
                    for (int t = 0; t < key; t++) {
                        GenerationState.checkInterrupted();
                        // frame 0 is the backward walk's last: once it is smoothed, so are all before the key frame
                        join(smoothed[t]);
                        encodeFrame.run(writer, t);
                    }
                    encoding.run(writer::close);
                }
                encoder = join(tail);
                encoding.run(() -> EncodeStage.join(s, List.of(headFile, tailFile)));
            } else {
                encoder = join(tail);
            }
            String usedEncoder = encoder;
            StageResult encoded = encoding.time(() -> EncodeStage.finish(s, usedEncoder, progress));
            for (CompletableFuture<Void> f : measuredFrames) {
                join(f);
            }
            // the warp errors compare neighbouring frames along the flow
            s.awaitGuidance();
            StageResult measuredResult = measuring.time(() -> measured.finish(progress));
            return List.of(
                    new ConcurrentStages.Timed(propagation.name(), PropagationStage.result(s),
                            propagating.timing()),
                    new ConcurrentStages.Timed(enhancer.name(), TemporalEnhancerStage.result(), smoothing.timing()),
                    new ConcurrentStages.Timed(effects.name(), ScreenEffectsStage.result(s), layering.timing()),
                    new ConcurrentStages.Timed(encode.name(), encoded, encoding.timing()),
                    new ConcurrentStages.Timed(metrics.name(), measuredResult, measuring.timing()));
        } finally {
            // nothing may still touch the frames when the state releases them
            walks.shutdownNow();
            pool.shutdownNow();
            boolean ended = walks.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)
                    & pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
            if (!ended) {
                throw new IllegalStateException("GENERATE workers did not stop within 5 minutes");
            }
        }
    }

    /** Person removal carries each output frame into the next: there the stages run one after another. */
    private List<ConcurrentStages.Timed> oneAfterAnother(GenerationState s, Progress progress,
                                                         java.util.function.LongSupplier cpuNanos) throws Exception {
        s.awaitGuidance();
        List<ConcurrentStages.Timed> timed = new ArrayList<>();
        for (Stage stage : List.of(propagation, enhancer, effects)) {
            GenerationState.checkInterrupted();
            long wall0 = System.nanoTime();
            long cpu0 = cpuNanos.getAsLong();
            StageResult r = stage.run(s, progress);
            timed.add(new ConcurrentStages.Timed(stage.name(), r, new StageTiming((System.nanoTime() - wall0) / 1e9,
                    Math.max(0, cpuNanos.getAsLong() - cpu0) / 1e9, 0.0)));
        }
        timed.addAll(new ConcurrentStages(encode, metrics).run(s, progress, cpuNanos));
        return timed;
    }

    private static void unchecked(ThrowingRunnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) throws Exception {
        return GenerationState.await(f);
    }
}
