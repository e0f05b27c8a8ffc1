package dev.ditto.runner.comfyui;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
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
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoInfo;
import dev.ditto.runner.media.VideoReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GENERATE on a ComfyUI server: uploads the source clip, queues the Ditto workflow with the instruction as prompt,
 * polls {@code /history} (and {@code /queue} for progress) until it finishes, downloads the video and hands it on in
 * the training format with its key frame.
 */
public final class ComfyUiGenerateEngine implements GenerateBackend {
    private static final Logger log = LoggerFactory.getLogger(ComfyUiGenerateEngine.class);

    private final ComfyUiClient client;
    private final DittoWorkflow workflow;
    private final String runnerName;
    private final Duration pollEvery;
    private final Duration timeout;

    public ComfyUiGenerateEngine(ComfyUiClient client, DittoWorkflow workflow, String runnerName, Duration pollEvery,
                                 Duration timeout) {
        this.client = client;
        this.workflow = workflow;
        this.runnerName = runnerName;
        this.pollEvery = pollEvery;
        this.timeout = timeout;
    }

    @Override
    public GenerateResult run(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink, Progress progress)
            throws IOException, InterruptedException {
        VideoFormat format = payload.format() == null ? VideoFormat.DITTO_DEFAULT : payload.format();
        Map<String, double[]> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        progress.report("comfyui-upload", 0);
        String uploadName = "ditto-sample-" + payload.sampleId() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".mp4";
        ComfyUiClient.FileRef uploaded = client.upload(sourceClip, uploadName, "ditto");
        String prompt = payload.edit() != null && payload.edit().prompt() != null && !payload.edit().prompt().isBlank()
                ? payload.edit().prompt() : payload.instruction();
        long seed = payload.edit() == null ? 0 : payload.edit().seed();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("video", uploaded.loaderPath());
        values.put("prompt", prompt);
        values.put("seed", seed);
        values.put("width", format.width());
        values.put("height", format.height());
        values.put("frames", format.frames());
        values.put("fps", format.fps());
        values.put("output_prefix", "ditto/sample-" + payload.sampleId());
        ObjectNode filled = workflow.fill(values);
        String clientId = runnerName + "-" + UUID.randomUUID();
        String promptId = client.queuePrompt(filled, clientId);
        log.info("Sample {}: ComfyUI prompt {} queued (workflow {}, seed {})", payload.sampleId(), promptId,
                workflow.version(), seed);
        lap(timings, "upload", t0);

        long t1 = System.nanoTime();
        JsonNode entry = await(promptId, progress);
        lap(timings, "generate", t1);

        long t2 = System.nanoTime();
        progress.report("comfyui-download", 0);
        ComfyUiClient.FileRef output = outputVideo(entry, promptId);
        Path raw = workDir.resolve("comfyui-output" + extension(output.filename()));
        client.download(output, raw);
        Path edited = workDir.resolve("edited.mp4");
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(raw)) {
            info = reader.info();
        }
        // the export contract is exact: re-fit anything ComfyUI produced to the training format
        ClipNormaliser.normaliseFile(raw, edited, format, 0);
        Path key = workDir.resolve("edited-key.jpg");
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (Mat editedKey = middleFrame(edited, format); Mat sourceKey = middleFrame(sourceClip, format)) {
            if (!imwrite(key.toString(), editedKey)) {
                throw new IOException("could not write " + key);
            }
            try (Mat diff = new Mat()) {
                absdiff(editedKey, sourceKey, diff);
                Scalar m = mean(diff);
                metrics.put("edit_strength", (m.get(0) + m.get(1) + m.get(2)) / 3 / 255.0);
            }
        }
        lap(timings, "normalise", t2);

        long t3 = System.nanoTime();
        progress.report("upload", 0);
        BlobRef videoBlob = sink.store("edited.mp4", edited, "video/mp4");
        BlobRef keyBlob = sink.store("edited-key.jpg", key, "image/jpeg");
        lap(timings, "upload", t3);
        log.info("Sample {}: ComfyUI output {} ({}x{}, {} frames) normalised and uploaded", payload.sampleId(),
                output.filename(), info.width(), info.height(), info.frames());

        Object lora = workflow.defaultValue("lora");
        Object unet = workflow.defaultValue("unet");
        Provenance provenance = new Provenance(runnerName, List.of(
                new Provenance.Stage("generate", "comfyui", unet + " + " + lora, workflow.version(), seed),
                new Provenance.Stage("normalise", "ffmpeg", String.format(Locale.ROOT, "%dx%d %d frames %d fps",
                        format.width(), format.height(), format.frames(), format.fps()), "libopenh264", 0)));
        Map<String, StageTiming> stageTimings = new LinkedHashMap<>();
        timings.forEach((k, v) -> stageTimings.put(k, new StageTiming(v[0], 0, k.equals("generate") ? v[0] : 0)));
        return new GenerateResult(1, videoBlob, keyBlob, metrics, stageTimings, provenance);
    }

    private JsonNode await(String promptId, Progress progress) throws IOException, InterruptedException {
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
                        progress.report("comfyui-running", 1);
                        return history.get();
                    }
                }
                ComfyUiClient.QueueState queue = client.queueState(promptId);
                double elapsed = (System.nanoTime() - started) / 1e9;
                if (queue == ComfyUiClient.QueueState.PENDING) {
                    progress.report("comfyui-queued", 0);
                } else {
                    // ComfyUI reports step progress only over its websocket; estimate from elapsed time instead
                    progress.report("comfyui-running", Math.min(0.95, elapsed / 600));
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

    private ComfyUiClient.FileRef outputVideo(JsonNode entry, String promptId) throws ComfyUiException {
        JsonNode outputs = entry.path("outputs");
        JsonNode node = outputs.path(workflow.outputNode());
        ComfyUiClient.FileRef found = firstVideo(node);
        if (found == null) {
            for (var e : outputs.properties()) {
                found = firstVideo(e.getValue());
                if (found != null) {
                    break;
                }
            }
        }
        if (found == null) {
            throw new ComfyUiException("ComfyUI prompt " + promptId + " finished without a video output (outputs: "
                    + outputs.propertyNames() + ")");
        }
        return found;
    }

    private static ComfyUiClient.@Nullable FileRef firstVideo(JsonNode nodeOutput) {
        // VideoHelperSuite lists videos under "gifs"; core SaveVideo under "images" (animated) or "videos"
        for (String key : List.of("gifs", "videos", "images")) {
            for (JsonNode file : nodeOutput.path(key)) {
                String name = file.path("filename").asString("");
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".mp4") || lower.endsWith(".webm") || lower.endsWith(".mkv") || lower.endsWith(".mov")) {
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
