package dev.ditto.runner.generate;

import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.vision.PersonSegmenter;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/**
 * Everything one GENERATE job's stages share: the decoded source, the flow computed once from it, the edit and its
 * output frames. Native images are released by {@link #close()}.
 */
public final class GenerationState implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Flow is computed at this fraction of the frame size: DIS at half resolution is accurate to ~0.5 px. */
    static final double FLOW_SCALE = 0.5;

    final GeneratePayload payload;
    final EditSpec spec;
    final VideoFormat format;
    final Path sourceClip;
    final Path workDir;
    final ArtifactSink sink;
    /** Null when the job measures a video made elsewhere ({@link OutputMeasurement}): no edit, no masks. */
    final @Nullable PersonSegmenter segmenter;
    final @Nullable Path brisqueDir;
    /** The common-object detector, opened on first use by an object edit (throws naming the missing model). */
    java.util.function.Supplier<dev.ditto.runner.vision.ObjectDetector> detector = () -> {
        throw new IllegalStateException("object detector unavailable: no object model configured");
    };

    /** Source frames, BGR, format size. */
    final List<Mat> source = new ArrayList<>();
    /**
     * Low-resolution gray source frames the flow is computed on: the first always (its size is the flow grid's), the
     * others when the job computes the flow, else on first use ({@link #grayFrames}).
     */
    Mat[] gray = new Mat[0];
    /** {@code forward[t]}: flow t → t+1 in t's grid; {@code backward[t]}: t+1 → t in t+1's grid. */
    Mat[] forward = new Mat[0];
    Mat[] backward = new Mat[0];
    /** Forward–backward consistency of {@code forward[t]} (t's grid) and {@code backward[t]} (t+1's grid). */
    Mat[] forwardOk = new Mat[0];
    Mat[] backwardOk = new Mat[0];
    /** {@code pairs[t]} completes once {@code forward[t]}, {@code backward[t]} and their consistency are set. */
    private CompletableFuture<?>[] pairs = new CompletableFuture<?>[0];
    private @Nullable ExecutorService guidancePool;
    private final LongAdder guidanceWall = new LongAdder();
    private final LongAdder guidanceCpu = new LongAdder();
    /** The clip's analysis (flow, consistency, edges, the metrics' source side): loaded from the cache or being
     * computed by this job; see {@link SourceAnalysis}. */
    @Nullable SourceAnalysis analysis;
    /** Whether {@link #analysis} was loaded (reused) rather than computed by this job. */
    boolean analysisReused;
    /** Where analyses of clips are kept between jobs; null: computed by every job, kept nowhere. */
    @Nullable SourceAnalysisCache analyses;
    /** The clip's sha256, the key of its analysis in {@link #analyses}. */
    @Nullable String sourceKey;
    /** Canny edges of each source frame (structure guidance). */
    Mat[] edges = new Mat[0];
    /** Person masks, computed on demand. */
    private Mat[] masks = new Mat[0];

    int keyIndex;
    @Nullable EditPlan plan;
    /** How much of each output frame came from the propagated key frame (low-res float 0..1). */
    Mat[] propagated = new Mat[0];
    Mat[] output = new Mat[0];
    /** The key frame as the key-frame edit made it, which every propagated frame samples (screen effects are later
     * laid over {@code output[keyIndex]} itself); set when propagation starts. */
    @Nullable Mat keyEdited;
    boolean masksUsed;

    final Map<String, Double> metrics = new LinkedHashMap<>();
    @Nullable Path editedVideo;
    @Nullable Path editedKeyFrame;
    dev.ditto.protocol.@Nullable BlobRef editedVideoRef;
    dev.ditto.protocol.@Nullable BlobRef editedKeyFrameRef;

    GenerationState(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink,
                    PersonSegmenter segmenter, @Nullable Path brisqueDir) {
        this(payload, payload.format(), sourceClip, workDir, sink, segmenter, brisqueDir);
    }

    GenerationState(GeneratePayload payload, VideoFormat format, Path sourceClip, Path workDir, ArtifactSink sink,
                    @Nullable PersonSegmenter segmenter, @Nullable Path brisqueDir) {
        this.payload = payload;
        this.spec = payload.edit();
        this.format = format;
        this.sourceClip = sourceClip;
        this.workDir = workDir;
        this.sink = sink;
        this.segmenter = segmenter;
        this.brisqueDir = brisqueDir;
    }

    /** Number of frames in the job. */
    public int frames() {
        return source.size();
    }

    /** The metrics computed so far. */
    public Map<String, Double> metrics() {
        return Map.copyOf(metrics);
    }

    /** Masks of the object the plan names ({@link EditPlan#maskObject}); set with the plan. */
    @Nullable ObjectMasks objectMasks;

    /**
     * The mask of source frame {@code t} (computed once, then cached): the person mask, or the named object's mask
     * when the plan edits an object.
     */
    Mat mask(int t) {
        synchronized (this) {
            if (masks.length != source.size()) {
                masks = new Mat[source.size()];
            }
            if (masks[t] == null) {
                if (objectMasks != null) {
                    masks[t] = objectMasks.mask(t, source.size(), source::get);
                } else {
                    if (segmenter == null) {
                        throw new IllegalStateException("no person segmenter: this job only measures a finished video");
                    }
                    // the person mask is part of the clip's analysis: computed at PROBE, or here and kept there
                    Mat stored = analysis == null ? null : analysis.maskMat(t);
                    if (stored != null) {
                        masks[t] = stored;
                    } else {
                        masks[t] = segmenter.mask(source.get(t));
                        if (analysis != null && !analysisReused) {
                            analysis.keepMask(t, masks[t]);
                        }
                    }
                    masksUsed = true;
                }
            }
            return masks[t];
        }
    }

    /** A piece of the structure guidance: the flow pair between frames {@code p} and {@code p + 1}. */
    @FunctionalInterface
    interface PairWork {
        void compute(int p) throws Exception;
    }

    /**
     * Computes the flow pairs in the background, in {@code order}, on {@code workers} threads of their own; each
     * pair is published as it is done. The threads stop when the state is closed.
     */
    void startGuidance(int workers, List<Integer> order, PairWork work) {
        int count = Math.max(0, frames() - 1);
        pairs = new CompletableFuture<?>[count];
        ExecutorService pool = Executors.newFixedThreadPool(workers,
                Thread.ofPlatform().daemon().name("guidance-", 0).factory());
        guidancePool = pool;
        for (int p : order) {
            pairs[p] = CompletableFuture.runAsync(() -> {
                long w0 = System.nanoTime();
                long c0 = THREADS.getCurrentThreadCpuTime();
                try {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CompletionException(new InterruptedIOException("GENERATE interrupted"));
                    }
                    work.compute(p);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                } finally {
                    guidanceWall.add(System.nanoTime() - w0);
                    guidanceCpu.add(Math.max(0, THREADS.getCurrentThreadCpuTime() - c0));
                }
            }, pool);
        }
        for (int p = 0; p < count; p++) {
            if (pairs[p] == null) {
                throw new IllegalArgumentException("guidance order misses pair " + p);
            }
        }
    }

    /** Flow {@code t → t+1} (t's grid), once its pair is ready: computed by this job, or loaded when first asked for. */
    Mat forward(int p) {
        synchronized (forward) {
            if (forward[p] == null) {
                Mat[] m = loaded().forwardMats(p);
                forward[p] = m[0];
                forwardOk[p] = m[1];
            }
            return forward[p];
        }
    }

    /** Every low-resolution gray source frame ({@link #gray}), those not made yet made now. */
    Mat[] grayFrames() {
        synchronized (gray) {
            java.util.stream.IntStream.range(0, gray.length).parallel().filter(t -> gray[t] == null)
                    .forEach(t -> gray[t] = dev.ditto.runner.vision.OpticalFlow.gray(source.get(t), FLOW_SCALE));
            return gray;
        }
    }

    /** Consistency of {@link #forward(int)}. */
    Mat forwardOk(int p) {
        synchronized (forward) {
            forward(p);
            return forwardOk[p];
        }
    }

    /** Flow {@code t+1 → t} (t+1's grid). */
    Mat backward(int p) {
        synchronized (backward) {
            if (backward[p] == null) {
                Mat[] m = loaded().backwardMats(p);
                backward[p] = m[0];
                backwardOk[p] = m[1];
            }
            return backward[p];
        }
    }

    /** Consistency of {@link #backward(int)}. */
    Mat backwardOk(int p) {
        synchronized (backward) {
            backward(p);
            return backwardOk[p];
        }
    }

    /** Canny edges of source frame {@code t}. */
    Mat edges(int t) {
        synchronized (edges) {
            if (edges[t] == null) {
                edges[t] = loaded().edgesMat(t);
            }
            return edges[t];
        }
    }

    /** Every flow pair, both ways, as arrays (for code that takes the whole clip's flow at once). */
    Mat[][] allFlows() {
        int count = Math.max(0, frames() - 1);
        Mat[] f = new Mat[count];
        Mat[] b = new Mat[count];
        for (int p = 0; p < count; p++) {
            f[p] = forward(p);
            b[p] = backward(p);
        }
        return new Mat[][] {f, b};
    }

    private SourceAnalysis loaded() {
        SourceAnalysis a = analysis;
        if (a == null || !analysisReused) {
            throw new IllegalStateException("structure guidance asked for before it was computed");
        }
        return a;
    }

    /** Marks every flow pair as ready (they were loaded, not computed). */
    void guidanceLoaded() {
        int count = Math.max(0, frames() - 1);
        pairs = new CompletableFuture<?>[count];
        for (int p = 0; p < count; p++) {
            pairs[p] = CompletableFuture.completedFuture(null);
        }
    }

    /** Whether the flow pair between frames {@code p} and {@code p + 1} is ready (computed or loaded). */
    boolean pairReady(int p) {
        CompletableFuture<?>[] all = pairs;
        return p < all.length && all[p] != null && all[p].isDone() && !all[p].isCompletedExceptionally();
    }

    /** Waits until the flow pair between frames {@code p} and {@code p + 1} is computed. */
    void awaitPair(int p) throws Exception {
        await(pairs[p]);
    }

    /** Waits until every flow pair is computed. */
    void awaitGuidance() throws Exception {
        for (CompletableFuture<?> f : pairs) {
            await(f);
        }
    }

    /** Busy seconds (wall, CPU) the background flow computation took, across its threads. */
    double[] guidanceSeconds() {
        return new double[] {guidanceWall.sum() / 1e9, guidanceCpu.sum() / 1e9};
    }

    /**
     * The future's value; its failure rethrown as the exception that caused it. Interruptible: when a job fails, its
     * pools are shut down and the tasks still queued never run, so a thread waiting for one of them must leave on the
     * interrupt (a plain {@code join} would wait forever, and hide the job's error behind a stuck shutdown).
     */
    static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // get() has already taken the cause out of a CompletionException
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Throws if the job's thread was interrupted (lease lost, runner shutting down). */
    static void checkInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("GENERATE interrupted");
        }
    }

    @Override
    public void close() {
        ExecutorService pool = guidancePool;
        if (pool != null) {
            // nothing may still write the flow when the frames are released
            pool.shutdownNow();
            boolean interrupted = Thread.interrupted();
            boolean stopped = false;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!stopped && System.nanoTime() < deadline) {
                try {
                    stopped = pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (!stopped) {
                throw new IllegalStateException("structure guidance did not stop within 5 minutes");
            }
        }
        if (keyEdited != null) {
            keyEdited.close();
        }
        source.forEach(Mat::close);
        source.clear();
        for (Mat[] arr : List.of(gray, forward, backward, forwardOk, backwardOk, edges, masks, propagated, output)) {
            for (Mat m : arr) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }
}
