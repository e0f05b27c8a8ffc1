package dev.ditto.runner.generate;

import dev.ditto.protocol.EditOps;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.GenerateBackend;
import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.PersonSegmenter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The built-in CPU engine for GENERATE: decode → structure guidance (flow, edges) → key-frame edit → propagation →
 * temporal enhancer → screen effects → encode + upload → metrics, the last five frame by frame ({@link FramePipeline}),
 * then the frame strips the judge sees ({@link FrameStripWriter}). Every stage's engine, model, version and the
 * job's seed go into the provenance; wall and CPU seconds per stage into the timings.
 */
public final class GenerateEngine implements GenerateBackend, AutoCloseable {
    /** Debian opencv-data's BRISQUE model folder. */
    public static final Path DEFAULT_BRISQUE_DIR = Path.of("/usr/share/opencv4/quality");

    private final String runnerName;
    private final PersonSegmenter segmenter;
    private final @Nullable Path objectModel;
    private dev.ditto.runner.vision.@Nullable ObjectDetector objectDetector;
    private final @Nullable Path brisqueDir;
    private final List<Stage> pipeline;
    private final FramePipeline frames = new FramePipeline();
    private @Nullable SourceAnalysisCache analyses;
    /** Stores computed analyses in the background, so the job that computed one does not wait for the write. */
    private final java.util.concurrent.ExecutorService storing = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("analysis-store").factory());

    /**
     * @param segmentationModel {@code selfie_segmentation.tflite}; null or missing → labelled GrabCut fallback
     * @param brisqueDir folder with {@code brisque_model_live.yml} and {@code brisque_range_live.yml}; null or
     *     missing → no {@code brisque} metric
     */
    public GenerateEngine(String runnerName, @Nullable Path segmentationModel, @Nullable Path brisqueDir) {
        this(runnerName, segmentationModel, brisqueDir, null);
    }

    /**
     * @param objectModel the object detector's model ({@code object_detection_ssd_mobilenetv2_oidv4_fp16.tflite});
     *     null or missing → object edits fail naming the missing file (never run as something else)
     */
    public GenerateEngine(String runnerName, @Nullable Path segmentationModel, @Nullable Path brisqueDir,
                          @Nullable Path objectModel) {
        this.objectModel = objectModel;
        this.runnerName = runnerName;
        this.segmenter = PersonSegmenter.create(segmentationModel);
        this.brisqueDir = brisqueDir;
        this.pipeline = List.of(new DecodeStage(), new StructureGuidanceStage(), new KeyFrameEditStage());
    }

    /**
     * Keeps clip analyses in {@code cache} between jobs (the ones PROBE stored there, or the first GENERATE of a clip
     * computed): a GENERATE of a clip whose analysis is there loads it instead of computing the flow and edges.
     */
    public GenerateEngine withAnalysisCache(@Nullable SourceAnalysisCache cache) {
        this.analyses = cache;
        return this;
    }

    /**
     * The analysis of a clip file as this engine's GENERATE jobs use it, person masks included (PROBE computes it
     * once per clip; see {@link SourceAnalysis}).
     */
    public SourceAnalysis analyse(Path clip, dev.ditto.protocol.VideoFormat format) throws java.io.IOException {
        return SourceAnalysis.compute(clip, format, segmenter);
    }

    /** Waits until the analyses computed so far are stored (tests, benchmarks). */
    public void awaitStored() throws InterruptedException, java.util.concurrent.ExecutionException {
        storing.submit(() -> { }).get();
    }

    /** Every op name the engine accepts in {@code EditSpec.op} (with {@code style}/{@code grade} params). */
    public static List<String> supportedOps() {
        List<String> ops = new ArrayList<>(List.of("style", "grade"));
        ops.addAll(EditOps.LOCAL_OPS);
        return List.copyOf(ops);
    }

    /** Which segmentation engine masks come from (the model, or the labelled classical fallback). */
    public String segmentationEngine() {
        return segmenter.engine() + "/" + segmenter.model();
    }

    /**
     * Checks an edit spec without running it: throws {@link IllegalArgumentException} naming the op and the problem.
     */
    public static void validate(dev.ditto.protocol.EditSpec spec) {
        EditPlans.validate(spec);
    }

    @Override
    public GenerateResult run(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink,
                              Progress progress) throws Exception {
        EditPlans.validate(payload.edit());
        Files.createDirectories(workDir);
        Map<String, StageTiming> timings = new LinkedHashMap<>();
        List<Provenance.Stage> provenance = new ArrayList<>();
        long seed = payload.edit().seed();
        try (GenerationState state = new GenerationState(payload, sourceClip, workDir, sink, segmenter, brisqueDir)) {
            state.detector = this::objectDetector;
            SourceAnalysisCache cache = analyses;
            if (cache != null) {
                state.analyses = cache;
                state.sourceKey = SourceAnalysis.sha256(sourceClip);
            }
            for (Stage stage : pipeline) {
                GenerationState.checkInterrupted();
                long wall0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                StageResult r = stage.run(state, progress);
                timings.put(stage.name(), new StageTiming((System.nanoTime() - wall0) / 1e9,
                        Math.max(0, processCpuNanos() - cpu0) / 1e9, 0.0));
                provenance.add(new Provenance.Stage(stage.name(), r.engine(), r.model(), r.version(), seed));
                if (stage instanceof StructureGuidanceStage) {
                    // whether the flow, edges and the metrics' source side were loaded or computed by this job
                    provenance.add(new Provenance.Stage("source-analysis", "builtin.source-analysis",
                            state.analysisReused ? "reused" : "computed",
                            "format " + SourceAnalysis.FORMAT_VERSION, seed));
                }
                if (stage instanceof KeyFrameEditStage && state.objectMasks != null) {
                    provenance.add(new Provenance.Stage("object-detection", "builtin.object-detection/opencv-dnn",
                            objectModel == null ? "none" : objectModel.getFileName().toString(),
                            org.bytedeco.opencv.global.opencv_core.CV_VERSION, seed));
                }
                if (stage instanceof KeyFrameEditStage && state.masksUsed) {
                    provenance.add(new Provenance.Stage("person-segmentation", "builtin.person-segmentation/"
                            + segmenter.engine(), segmenter.model(), segmenter.version(), seed));
                }
            }
            GenerationState.checkInterrupted();
            // propagation, temporal enhancer, screen effects, encode and metrics, overlapping frame by frame
            for (var timed : frames.run(state, progress, GenerateEngine::processCpuNanos)) {
                timings.put(timed.name(), timed.timing());
                provenance.add(new Provenance.Stage(timed.name(), timed.result().engine(),
                        timed.result().model(), timed.result().version(), seed));
            }
            // the flow was computed in the background while the stages after it ran: add its threads' busy time
            StageTiming guidance = timings.get("structure-guidance");
            if (guidance != null) {
                double[] background = state.guidanceSeconds();
                timings.put("structure-guidance", new StageTiming(guidance.wallSeconds() + background[0],
                        guidance.cpuSeconds() + background[1], guidance.gpuSeconds()));
            }
            // frames across the clip (and the edit's mask) for the judge
            long strip0 = System.nanoTime();
            long stripCpu0 = processCpuNanos();
            dev.ditto.protocol.FrameStrips strips = FrameStripWriter.write(state);
            timings.put("frame-strips", new StageTiming((System.nanoTime() - strip0) / 1e9,
                    Math.max(0, processCpuNanos() - stripCpu0) / 1e9, 0.0));
            SourceAnalysis computed = state.analysis;
            String key = state.sourceKey;
            if (cache != null && key != null && computed != null && !state.analysisReused && computed.complete()) {
                storing.execute(() -> {
                    try {
                        cache.store(key, computed);
                    } catch (java.io.IOException | RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(GenerateEngine.class)
                                .warn("Could not keep the analysis of clip {}: {}", key, e.toString());
                    }
                });
            }
            return new GenerateResult(JobPayload.CURRENT_VERSION, state.editedVideoRef, state.editedKeyFrameRef,
                    state.metrics(), timings, new Provenance(runnerName, provenance), strips);
        }
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** The object detector, loaded on first use; throws naming the missing model file. */
    private synchronized dev.ditto.runner.vision.ObjectDetector objectDetector() {
        if (objectDetector == null) {
            if (objectModel == null || !Files.isReadable(objectModel)) {
                throw new IllegalStateException("object edits need the object detector model "
                        + dev.ditto.runner.models.ModelFile.OBJECT_DETECTION_OIDV4.fileName() + " ("
                        + dev.ditto.runner.models.ModelFile.OBJECT_DETECTION_OIDV4.source()
                        + "), which is missing" + (objectModel == null ? "" : " at " + objectModel)
                        + "; run gpu-runner/fetch-models.sh");
            }
            objectDetector = new dev.ditto.runner.vision.ObjectDetector(objectModel);
        }
        return objectDetector;
    }

    @Override
    public synchronized void close() {
        storing.shutdown();
        try {
            if (!storing.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                storing.shutdownNow();
            }
        } catch (InterruptedException e) {
            storing.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (objectDetector != null) {
            objectDetector.close();
        }
        segmenter.close();
    }
}
