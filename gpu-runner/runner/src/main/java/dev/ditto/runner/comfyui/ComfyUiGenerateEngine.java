package dev.ditto.runner.comfyui;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.GenerateBackend;
import dev.ditto.runner.Progress;
import dev.ditto.runner.generate.OutputMeasurement;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoInfo;
import dev.ditto.runner.media.VideoReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * GENERATE on a ComfyUI server. Routes ({@link ComfyUiSettings#route()}): {@code editto} and {@code editto-wrapper}
 * queue one Editto workflow (core nodes + Ditto LoRA, or kijai's WanVideoWrapper + Ditto VACE module); {@code chain}
 * runs the paper's pipeline as separate workflows, each output feeding the next: key frame edited with
 * Qwen-Image-Edit, depth video of the source (Depth Anything V2), VACE propagation with the edited key frame as
 * reference and the depth video as control, and optionally a Wan2.2 low-noise enhancer pass. Each stage is checked
 * against the server's {@code /object_info} before it is queued (ComfyUI's own validation rules, see
 * {@link PromptValidator}), timed, and recorded in provenance with the server version, node packs, model files (and
 * their SHA-256 when the model folder is readable), seed and the SHA-256 of the filled workflow. The result is
 * re-fitted to the training format with its key frame.
 */
public final class ComfyUiGenerateEngine implements GenerateBackend {
    private static final Logger log = LoggerFactory.getLogger(ComfyUiGenerateEngine.class);
    /** VHS_LoadVideo's force_rate maximum (VideoHelperSuite 4ee72c0). */
    static final int MAX_FORCE_RATE = 60;

    private final ComfyUiClient client;
    private final JsonMapper json;
    private final ComfyUiSettings settings;
    private final ModelHashes hashes;
    private final boolean preflight;
    private final String runnerName;
    private final Duration pollEvery;
    private final Duration timeout;
    private final @Nullable Path brisqueDir;
    private volatile @Nullable JsonNode objectInfo;

    public ComfyUiGenerateEngine(ComfyUiClient client, JsonMapper json, ComfyUiSettings settings, ModelHashes hashes,
                                 boolean preflight, String runnerName, Duration pollEvery, Duration timeout) {
        this(client, json, settings, hashes, preflight, runnerName, pollEvery, timeout, null);
    }

    /**
     * @param brisqueDir the folder of OpenCV's BRISQUE model files, for the no-reference quality of the output
     *                   (null: measured without BRISQUE)
     */
    public ComfyUiGenerateEngine(ComfyUiClient client, JsonMapper json, ComfyUiSettings settings, ModelHashes hashes,
                                 boolean preflight, String runnerName, Duration pollEvery, Duration timeout,
                                 @Nullable Path brisqueDir) {
        this.brisqueDir = brisqueDir;
        this.client = client;
        this.json = json;
        this.settings = settings;
        this.hashes = hashes;
        this.preflight = preflight;
        this.runnerName = runnerName;
        this.pollEvery = pollEvery;
        this.timeout = timeout;
    }

    /**
     * ComfyUI's seed inputs (KSampler, WanVideoSampler) take 0..2^64-1; a campaign seed is any {@code long}. The
     * two's-complement reading is a bijection onto that range: 0..2^63-1 stay, negatives map to 2^64+seed.
     */
    public static BigInteger comfySeed(long seed) {
        return new BigInteger(Long.toUnsignedString(seed));
    }

    /**
     * The {@code force_rate} for VHS_LoadVideo: the clip's own rate up to 60 fps; above that 0 (load every frame at
     * the native rate; the source clip is already normalised to that rate, and the runner's normaliser re-fits the
     * output to the training format anyway). Lowering the rate or using select_every_nth would drop frames.
     */
    public static int loadRate(int fps) {
        return fps <= MAX_FORCE_RATE ? fps : 0;
    }

    /** The values every stage's template is filled with from the job (stages add their input files and prefix). */
    public static Map<String, Object> jobValues(String prompt, long seed, VideoFormat format) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("prompt", prompt);
        values.put("seed", comfySeed(seed));
        values.put("width", format.width());
        values.put("height", format.height());
        values.put("frames", format.frames());
        values.put("fps", format.fps());
        values.put("load_rate", loadRate(format.fps()));
        return values;
    }

    /**
     * A stage's workflow filled as the engine queues it: template defaults, then the settings' {@code STAGE.*}
     * values, then the job's values.
     */
    public static ObjectNode build(DittoWorkflow workflow, ComfyUiSettings settings, String stage,
                                   Map<String, Object> jobValues) {
        Map<String, Object> values = new LinkedHashMap<>(workflow.typed(settings.placeholders(stage)));
        values.putAll(jobValues);
        return workflow.fill(values);
    }

    /** What one ComfyUI stage produced. */
    private record StageRun(String stage, Path output, DittoWorkflow workflow, ObjectNode filled, String promptId,
                            double seconds, Map<String, String> details) {}

    @Override
    public GenerateResult run(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink, Progress progress)
            throws IOException, InterruptedException {
        ComfyUiSettings job = settings.with(payload.backendSettings());
        VideoFormat format = payload.format() == null ? VideoFormat.DITTO_DEFAULT : payload.format();
        Map<String, double[]> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        progress.report("comfyui-upload", 0);
        JsonNode stats = systemStats();
        String tag = "ditto-sample-" + payload.sampleId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        ComfyUiClient.FileRef uploaded = client.upload(sourceClip, tag + ".mp4", "ditto");
        String prompt = payload.edit() != null && payload.edit().prompt() != null && !payload.edit().prompt().isBlank()
                ? payload.edit().prompt() : payload.instruction();
        long seed = payload.edit() == null ? 0 : payload.edit().seed();
        Map<String, Object> values = jobValues(prompt, seed, format);
        lap(timings, "upload", t0);

        List<StageRun> runs = new ArrayList<>();
        Path raw;
        if (!job.route().equals("chain")) {
            String stage = job.stages().getFirst();
            values.put("video", uploaded.loaderPath());
            values.put("output_prefix", "ditto/sample-" + payload.sampleId());
            StageRun run = runStage(job, stage, values, workDir, progress, payload.sampleId(), seed);
            runs.add(run);
            raw = run.output();
        } else {
            long tk = System.nanoTime();
            Path keyIn = workDir.resolve("source-key.png");
            try (Mat key = middleFrame(sourceClip, format)) {
                if (!imwrite(keyIn.toString(), key)) {
                    throw new IOException("could not write " + keyIn);
                }
            }
            ComfyUiClient.FileRef keyRef = client.upload(keyIn, tag + "-key.png", "ditto");
            lap(timings, "upload", tk);
            Map<String, Object> v = new LinkedHashMap<>(values);
            v.put("image", keyRef.loaderPath());
            v.put("output_prefix", "ditto/sample-" + payload.sampleId() + "-keyframe");
            StageRun keyframe = runStage(job, "keyframe", v, workDir, progress, payload.sampleId(), seed);
            runs.add(keyframe);
            ComfyUiClient.FileRef editedKey = client.upload(keyframe.output(), tag + "-edited-key.png", "ditto");

            v = new LinkedHashMap<>(values);
            v.put("video", uploaded.loaderPath());
            v.put("output_prefix", "ditto/sample-" + payload.sampleId() + "-depth");
            StageRun depth = runStage(job, "depth", v, workDir, progress, payload.sampleId(), seed);
            runs.add(depth);
            ComfyUiClient.FileRef depthRef = client.upload(depth.output(), tag + "-depth.mp4", "ditto");

            v = new LinkedHashMap<>(values);
            v.put("video", depthRef.loaderPath());
            v.put("reference_image", editedKey.loaderPath());
            v.put("output_prefix", "ditto/sample-" + payload.sampleId() + "-vace");
            StageRun vace = runStage(job, "vace", v, workDir, progress, payload.sampleId(), seed);
            vace.details().put("reference_image", editedKey.loaderPath());
            vace.details().put("control_video", depthRef.loaderPath());
            runs.add(vace);
            raw = vace.output();
            if (job.enhance()) {
                ComfyUiClient.FileRef vaceRef = client.upload(vace.output(), tag + "-vace.mp4", "ditto");
                v = new LinkedHashMap<>(values);
                v.put("video", vaceRef.loaderPath());
                v.put("output_prefix", "ditto/sample-" + payload.sampleId() + "-enhance");
                StageRun enhance = runStage(job, "enhance", v, workDir, progress, payload.sampleId(), seed);
                runs.add(enhance);
                raw = enhance.output();
            }
        }

        long t2 = System.nanoTime();
        progress.report("comfyui-download", 0);
        Path edited = workDir.resolve("edited.mp4");
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(raw)) {
            info = reader.info();
        }
        // the export contract is exact: re-fit anything ComfyUI produced to the training format
        ClipNormaliser.normaliseFile(raw, edited, format, 0);
        Path key = workDir.resolve("edited-key.jpg");
        try (Mat editedKey = middleFrame(edited, format)) {
            if (!imwrite(key.toString(), editedKey)) {
                throw new IOException("could not write " + key);
            }
        }
        lap(timings, "normalise", t2);

        // the judge's evidence, as the built-in engine gives it: temporal metrics against the source's own flow,
        // and frame strips across the clip
        long t4 = System.nanoTime();
        progress.report("metrics", 0);
        OutputMeasurement.Result measured = OutputMeasurement.measure(payload, format, sourceClip, edited, workDir, sink,
                brisqueDir, progress);
        Map<String, Double> metrics = new LinkedHashMap<>(measured.metrics());
        lap(timings, "metrics", t4);

        long t3 = System.nanoTime();
        progress.report("upload", 0);
        BlobRef videoBlob = sink.store("edited.mp4", edited, "video/mp4");
        BlobRef keyBlob = sink.store("edited-key.jpg", key, "image/jpeg");
        lap(timings, "upload", t3);
        log.info("Sample {}: ComfyUI route {} output ({}x{}, {} frames) normalised and uploaded", payload.sampleId(),
                job.route(), info.width(), info.height(), info.frames());

        Map<String, String> server = serverFacts(stats);
        List<Provenance.Stage> stages = new ArrayList<>();
        Map<String, StageTiming> stageTimings = new LinkedHashMap<>();
        for (StageRun run : runs) {
            Map<String, String> details = new TreeMap<>(server);
            details.putAll(run.details());
            List<String> models = new ArrayList<>();
            run.workflow().models().keySet().forEach(p -> models.add(String.valueOf(valueOf(run, p))));
            stages.add(new Provenance.Stage(run.stage().equals("editto") || run.stage().equals("editto-wrapper")
                    ? "generate" : run.stage(), "comfyui", String.join(" + ", models), run.workflow().version(), seed,
                    details));
            stageTimings.put("comfyui." + run.stage(), new StageTiming(run.seconds(), 0, run.seconds()));
        }
        stages.add(new Provenance.Stage("normalise", "ffmpeg", String.format(Locale.ROOT, "%dx%d %d frames %d fps",
                format.width(), format.height(), format.frames(), format.fps()), "libopenh264", 0));
        stages.add(new Provenance.Stage("metrics", measured.engine(), measured.model(), measured.version(), 0));
        timings.forEach((k, v) -> stageTimings.put(k, new StageTiming(v[0], 0, 0)));
        return new GenerateResult(1, videoBlob, keyBlob, metrics, stageTimings, new Provenance(runnerName, stages),
                measured.strips());
    }

    private static Object valueOf(StageRun run, String placeholder) {
        Object v = run.details().get("model." + placeholder);
        return v == null ? run.workflow().defaults().getOrDefault(placeholder, "?") : v;
    }

    private StageRun runStage(ComfyUiSettings job, String stage, Map<String, Object> jobValues, Path workDir,
                              Progress progress, long sampleId, long seed) throws IOException, InterruptedException {
        long started = System.nanoTime();
        progress.report("comfyui-" + stage, 0);
        DittoWorkflow workflow = DittoWorkflow.forStage(json, job, stage);
        Map<String, Object> values = new LinkedHashMap<>(workflow.defaults());
        values.putAll(workflow.typed(job.placeholders(stage)));
        values.putAll(jobValues);
        ObjectNode filled = build(workflow, job, stage, jobValues);
        Set<String> classes = new TreeSet<>();
        filled.forEach(node -> classes.add(node.path("class_type").asString("")));
        if (preflight) {
            preflight(stage, filled);
        }
        String clientId = runnerName + "-" + UUID.randomUUID();
        String promptId = client.queuePrompt(filled, clientId);
        log.info("Sample {}: ComfyUI stage {} prompt {} queued (workflow {}, seed {})", sampleId, stage, promptId,
                workflow.version(), seed);
        JsonNode entry = await(promptId, progress, "comfyui-" + stage);
        ComfyUiClient.FileRef output = outputFile(entry, promptId, workflow.outputNode());
        Path local = workDir.resolve("comfyui-" + stage + extension(output.filename()));
        client.download(output, local);

        Map<String, String> details = new TreeMap<>();
        details.put("workflow_sha256", DittoWorkflow.sha256(filled));
        details.put("prompt_id", promptId);
        details.put("comfyui_seed", String.valueOf(values.get("seed")));
        details.put("output", output.loaderPath());
        if (values.containsKey("load_rate")) {
            details.put("load_rate", String.valueOf(values.get("load_rate")));
        }
        for (var model : workflow.models().entrySet()) {
            String name = String.valueOf(values.get(model.getKey()));
            details.put("model." + model.getKey(), name);
            hashes.sha256(model.getValue(), name).ifPresent(h -> details.put("sha256." + model.getKey(), h));
        }
        JsonNode info = objectInfo;
        if (info != null) {
            Set<String> packs = new TreeSet<>();
            for (String c : classes) {
                String module = info.path(c).path("python_module").asString("");
                if (module.startsWith("custom_nodes.")) {
                    packs.add(module.substring("custom_nodes.".length()).split("[.@]")[0]);
                }
            }
            details.put("node_packs", String.join(",", packs));
        }
        job.packs().forEach((name, commit) -> details.put("pack." + name + ".declared", commit));
        details.put("node_classes", String.join(",", classes));
        double seconds = (System.nanoTime() - started) / 1e9;
        return new StageRun(stage, local, workflow, filled, promptId, seconds, details);
    }

    /**
     * Validates a filled workflow against the live server's {@code /object_info} (fetched once, fetched again before
     * giving up, in case models or node packs were installed meanwhile), so a wrong template fails with the node,
     * input and fix named instead of ComfyUI's answer after an upload.
     */
    private void preflight(String stage, ObjectNode filled) throws IOException, InterruptedException {
        JsonNode info = objectInfo;
        if (info == null) {
            info = client.objectInfo();
            objectInfo = info;
        }
        PromptValidator.Result result = new PromptValidator(info, PromptValidator.knownSelfValidated()).validate(filled);
        if (!result.ok()) {
            info = client.objectInfo();
            objectInfo = info;
            result = new PromptValidator(info, PromptValidator.knownSelfValidated()).validate(filled);
        }
        if (!result.ok()) {
            throw new ComfyUiException("ComfyUI would refuse stage " + stage + " (checked against its /object_info): "
                    + result.describe());
        }
    }

    /** {@code /system_stats} for provenance; a server that does not answer it still runs the job. */
    private JsonNode systemStats() throws InterruptedException {
        try {
            return client.systemStats();
        } catch (IOException | RuntimeException e) {
            log.warn("ComfyUI /system_stats unavailable, provenance will lack the server version: {}", e.getMessage());
            return json.createObjectNode();
        }
    }

    private static Map<String, String> serverFacts(JsonNode stats) {
        Map<String, String> out = new TreeMap<>();
        JsonNode system = stats.path("system");
        for (String key : List.of("comfyui_version", "pytorch_version", "python_version")) {
            String v = system.path(key).asString("");
            if (!v.isEmpty()) {
                out.put(key, key.equals("python_version") ? v.split(" ")[0] : v);
            }
        }
        String device = stats.path("devices").path(0).path("name").asString("");
        if (!device.isEmpty()) {
            out.put("device", device);
        }
        return out;
    }

    private JsonNode await(String promptId, Progress progress, String label) throws IOException, InterruptedException {
        long started = System.nanoTime();
        boolean cancelled = false;
        try {
            while (true) {
                var history = client.history(promptId);
                if (history.isPresent()) {
                    JsonNode status = history.get().path("status");
                    String state = status.path("status_str").asString("");
                    if (state.equals("error")) {
                        throw new ComfyUiException("ComfyUI failed prompt " + promptId + ": " + executionError(status));
                    }
                    if (status.path("completed").asBoolean(false) || state.equals("success")) {
                        progress.report(label, 1);
                        return history.get();
                    }
                }
                ComfyUiClient.QueueState queue = client.queueState(promptId);
                double elapsed = (System.nanoTime() - started) / 1e9;
                if (queue == ComfyUiClient.QueueState.PENDING) {
                    progress.report("comfyui-queued", 0);
                } else {
                    // ComfyUI reports step progress only over its websocket; estimate from elapsed time instead
                    progress.report(label, Math.min(0.95, elapsed / 600));
                }
                if (elapsed > timeout.toSeconds()) {
                    throw new ComfyUiException("ComfyUI prompt " + promptId + " did not finish within " + timeout.toMinutes()
                            + " min");
                }
                Thread.sleep(pollEvery);
            }
        } catch (InterruptedException e) {
            cancelled = true;
            throw e;
        } finally {
            if (cancelled) {
                try {
                    client.cancel(promptId);
                } catch (IOException | InterruptedException ignored) {
                    // the job is being abandoned anyway; ComfyUI finishes or drops the prompt on its own
                }
            }
        }
    }

    private static ComfyUiClient.FileRef outputFile(JsonNode entry, String promptId, String outputNode)
            throws ComfyUiException {
        JsonNode outputs = entry.path("outputs");
        ComfyUiClient.FileRef found = firstFile(outputs.path(outputNode));
        if (found == null) {
            for (var e : outputs.properties()) {
                found = firstFile(e.getValue());
                if (found != null) {
                    break;
                }
            }
        }
        if (found == null) {
            throw new ComfyUiException("ComfyUI prompt " + promptId + " finished without a video or image output (outputs: "
                    + outputs.propertyNames() + ")");
        }
        return found;
    }

    private static ComfyUiClient.@Nullable FileRef firstFile(JsonNode nodeOutput) {
        // VideoHelperSuite lists videos under "gifs"; core SaveVideo under "images" (animated) or "videos"; SaveImage
        // under "images"
        for (String key : List.of("gifs", "videos", "images")) {
            for (JsonNode file : nodeOutput.path(key)) {
                String name = file.path("filename").asString("");
                String lower = name.toLowerCase(Locale.ROOT);
                if (List.of(".mp4", ".webm", ".mkv", ".mov", ".png", ".jpg", ".webp").stream().anyMatch(lower::endsWith)) {
                    return new ComfyUiClient.FileRef(name, file.path("subfolder").asString(""),
                            file.path("type").asString("output"));
                }
            }
        }
        return null;
    }

    private static String executionError(JsonNode status) {
        for (JsonNode message : status.path("messages")) {
            if (message.isArray() && message.size() == 2 && message.get(0).asString("").equals("execution_error")) {
                JsonNode detail = message.get(1);
                return "node " + detail.path("node_id").asString("?") + " (" + detail.path("node_type").asString("?")
                        + "): " + detail.path("exception_message").asString("unknown error").strip();
            }
        }
        return "status " + status;
    }

    private static Mat middleFrame(Path video, VideoFormat format) throws IOException {
        try (VideoReader reader = VideoReader.open(video)) {
            List<Mat> frames = reader.readAll(format.frames());
            Mat middle = frames.get(frames.size() / 2);
            Mat fitted = middle.cols() == format.width() && middle.rows() == format.height()
                    ? middle.clone() : ClipNormaliser.coverAndCrop(middle, format.width(), format.height());
            frames.forEach(Mat::close);
            return fitted;
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? ".mp4" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static void lap(Map<String, double[]> timings, String stage, long since) {
        timings.computeIfAbsent(stage, s -> new double[1])[0] += (System.nanoTime() - since) / 1e9;
    }
}
