package dev.ditto.runner.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.Progress;
import dev.ditto.runner.TestClips;
import dev.ditto.runner.client.RunnerJson;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ComfyUiGenerateEngineTest {
    private static final String INSTRUCTION = "Make it look like a watercolour painting";

    @TempDir
    static Path fixtures;
    static Path source;
    static Path edited;
    static Path editedImage;

    @TempDir
    Path dir;

    final JsonMapper json = RunnerJson.mapper();
    FakeComfyUi comfy;
    ComfyUiGenerateEngine engine;

    @BeforeAll
    static void makeClips() throws Exception {
        source = fixtures.resolve("source.mp4");
        ClipNormaliser.normaliseFile(TestClips.cup(fixtures), source, VideoFormat.DITTO_DEFAULT, 0.5);
        edited = fixtures.resolve("comfy-output.mp4");
        // a ComfyUI output at another size, so the runner's re-fit to the training format is exercised too
        ClipNormaliser.normaliseFile(TestClips.box(fixtures), edited, new VideoFormat(640, 368, 73, 20), 1.0);
        editedImage = fixtures.resolve("comfy-output.png");
        try (VideoReader r = VideoReader.open(edited)) {
            List<org.bytedeco.opencv.opencv_core.Mat> frames = r.readAll(1);
            org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(editedImage.toString(), frames.getFirst());
            frames.forEach(org.bytedeco.opencv.opencv_core.Mat::close);
        }
    }

    @BeforeEach
    void start() throws Exception {
        comfy = new FakeComfyUi(json, edited, editedImage);
        engine = engine(ComfyUiSettings.defaults(), new ModelHashes(null));
    }

    ComfyUiGenerateEngine engine(ComfyUiSettings settings, ModelHashes hashes) {
        return new ComfyUiGenerateEngine(new ComfyUiClient(comfy.uri(), json), json, settings, hashes, true, "gpu-7",
                Duration.ofMillis(20), Duration.ofMinutes(5));
    }

    @AfterEach
    void stop() {
        comfy.close();
    }

    @Test
    void runsTheDittoWorkflowAndReturnsTheEditInTrainingFormat() throws Exception {
        TestClips.RecordingSink sink = new TestClips.RecordingSink(dir.resolve("artefacts"));
        List<String> stages = new CopyOnWriteArrayList<>();

        GenerateResult result = engine.run(payload(), source, Files.createDirectories(dir.resolve("work")), sink,
                (stage, fraction) -> stages.add(stage));

        assertThat(comfy.requests).startsWith("GET /system_stats", "POST /upload/image", "GET /object_info", "POST /prompt");
        assertThat(comfy.requests).contains("GET /history/" + comfy.promptIds().getFirst(), "GET /queue", "GET /view");
        assertThat(comfy.uploadBody).contains("name=\"type\"\r\n\r\ninput", "name=\"overwrite\"\r\n\r\ntrue",
                "name=\"image\"; filename=\"ditto-sample-5-");
        JsonNode body = comfy.promptBody;
        assertThat(body.path("client_id").asString()).startsWith("gpu-7-");
        JsonNode prompt = body.path("prompt");
        assertThat(prompt.path("7").path("class_type").asString()).isEqualTo("CLIPTextEncode");
        assertThat(prompt.path("7").path("inputs").path("text").asString()).isEqualTo(INSTRUCTION);
        assertThat(prompt.path("1").path("inputs").path("video").asString()).startsWith("ditto/ditto-sample-5-");
        assertThat(prompt.path("10").path("class_type").asString()).isEqualTo("WanVaceToVideo");
        assertThat(prompt.path("10").path("inputs").path("width").isNumber()).isTrue();
        assertThat(prompt.path("10").path("inputs").path("width").asInt()).isEqualTo(832);
        assertThat(prompt.path("10").path("inputs").path("length").asInt()).isEqualTo(73);
        assertThat(prompt.path("11").path("inputs").path("seed").asLong()).isEqualTo(1234L);
        assertThat(prompt.path("4").path("class_type").asString()).isEqualTo("LoraLoaderModelOnly");
        assertThat(prompt.path("4").path("inputs").path("lora_name").asString()).isEqualTo("ditto_global.safetensors");
        assertThat(prompt.path("1").path("inputs").has("force_size")).isFalse();
        assertThat(prompt.path("1").path("inputs").path("force_rate").asInt()).isEqualTo(20);
        assertThat(prompt.toString()).doesNotContain("{{");

        assertThat(stages).contains("comfyui-upload", "comfyui-editto", "comfyui-download", "upload");
        try (VideoReader edited = VideoReader.open(sink.file("edited.mp4"))) {
            assertThat(edited.info().width()).isEqualTo(832);
            assertThat(edited.info().height()).isEqualTo(480);
            assertThat(edited.readAll(100)).hasSize(73);
        }
        assertThat(result.editedVideo().contentType()).isEqualTo("video/mp4");
        assertThat(result.editedKeyFrame().contentType()).isEqualTo("image/jpeg");
        assertThat(result.metrics().get("edit_strength")).isBetween(0.01, 1.0);
        // the judge gets the same evidence as from the built-in engine: temporal metrics and frame strips
        assertThat(result.metrics()).containsKeys("warp_error", "warp_error_lowpass", "edge_ssim",
                "warp_error_source", "warp_error_edited");
        assertThat(result.metrics().get("warp_error")).isPositive();
        assertThat(result.metrics().get("edge_ssim")).isBetween(0.0, 1.0);
        assertThat(result.frameStrips()).isNotNull();
        assertThat(result.frameStrips().frames()).hasSize(4).startsWith(0).endsWith(72);
        assertThat(result.frameStrips().source().contentType()).isEqualTo("image/jpeg");
        assertThat(result.frameStrips().edited().contentType()).isEqualTo("image/jpeg");
        assertThat(sink.file("strip-source.jpg")).isNotEmptyFile();
        assertThat(sink.file("strip-edited.jpg")).isNotEmptyFile();
        assertThat(result.provenance().stages()).anySatisfy(st -> {
            assertThat(st.stage()).isEqualTo("metrics");
            assertThat(st.engine()).isEqualTo("builtin.metrics");
        });
        var generate = result.provenance().stages().getFirst();
        assertThat(generate.stage()).isEqualTo("generate");
        assertThat(generate.engine()).isEqualTo("comfyui");
        assertThat(generate.version()).isEqualTo("editto-native-v2");
        assertThat(generate.seed()).isEqualTo(1234L);
        assertThat(generate.model()).contains("wan2.1_vace_14B_fp16.safetensors", "ditto_global.safetensors");
        assertThat(generate.details()).containsEntry("comfyui_version", "0.8.0")
                .containsEntry("pytorch_version", "2.9.1+cu128")
                .containsEntry("python_version", "3.12.3")
                .containsEntry("device", "cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync")
                .containsEntry("comfyui_seed", "1234")
                .containsEntry("model.lora", "ditto_global.safetensors")
                .containsEntry("node_packs", "ComfyUI-VideoHelperSuite")
                .containsEntry("prompt_id", comfy.promptIds().getFirst());
        assertThat(generate.details().get("workflow_sha256")).matches("[0-9a-f]{64}")
                .isEqualTo(DittoWorkflow.sha256(prompt));
        assertThat(result.timings()).containsKeys("upload", "comfyui.editto", "normalise");
    }

    @Test
    void refusedWorkflowReportsComfyUisNodeErrors() {
        comfy.promptError = """
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                 "details": "", "extra_info": {}},
                 "node_errors": {"3": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                  "details": "unet_name: 'wan2.1_vace_14B_fp16.safetensors' not in []", "extra_info": {}}],
                  "dependent_outputs": ["14"], "class_type": "UNETLoader"}}}
                """;

        assertThatThrownBy(() -> engine.run(payload(), source, dir, new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE))
                .isInstanceOf(ComfyUiException.class)
                .hasMessageContaining("UNETLoader")
                .hasMessageContaining("wan2.1_vace_14B_fp16.safetensors");
    }

    @Test
    void wrapperRouteUsesDittosPublishedFilesOnKijaisNodes() throws Exception {
        TestClips.RecordingSink sink = new TestClips.RecordingSink(dir.resolve("artefacts"));

        GenerateResult result = engine.run(payload(Map.of("route", "editto-wrapper")), source,
                Files.createDirectories(dir.resolve("work")), sink, Progress.NONE);

        JsonNode prompt = comfy.promptBody.path("prompt");
        assertThat(comfy.prompts).hasSize(1);
        assertThat(prompt.path("3").path("class_type").asString()).isEqualTo("WanVideoVACEModelSelect");
        assertThat(prompt.path("3").path("inputs").path("vace_model").asString()).isEqualTo("ditto_global_comfy.safetensors");
        assertThat(prompt.path("5").path("inputs").path("model").asString()).isEqualTo("Wan2_1-T2V-14B_fp8_e4m3fn.safetensors");
        assertThat(prompt.path("5").path("inputs").path("extra_model").toString()).isEqualTo("[\"3\",0]");
        assertThat(prompt.path("10").path("inputs").path("steps").asInt()).isEqualTo(4);
        assertThat(prompt.path("10").path("inputs").path("cfg").asDouble()).isEqualTo(1.2);
        assertThat(prompt.path("10").path("inputs").path("shift").asDouble()).isEqualTo(2.0);
        assertThat(prompt.path("9").path("inputs").path("strength").asDouble()).isEqualTo(0.975);
        assertThat(result.provenance().stages().getFirst().version()).isEqualTo("editto-wrapper-v1");
        assertThat(result.provenance().stages().getFirst().details())
                .containsEntry("model.vace_model", "ditto_global_comfy.safetensors")
                .containsEntry("node_packs", "ComfyUI-VideoHelperSuite,ComfyUI-WanVideoWrapper");
    }

    @Test
    void chainRunsFourStagesEachFeedingTheNext() throws Exception {
        TestClips.RecordingSink sink = new TestClips.RecordingSink(dir.resolve("artefacts"));
        List<String> stages = new CopyOnWriteArrayList<>();

        GenerateResult result = engine.run(payload(Map.of("route", "chain", "vace.steps", "12")), source,
                Files.createDirectories(dir.resolve("work")), sink, (stage, fraction) -> stages.add(stage));

        assertThat(comfy.prompts).hasSize(4);
        JsonNode keyframe = comfy.prompts.get(0);
        JsonNode depth = comfy.prompts.get(1);
        JsonNode vace = comfy.prompts.get(2);
        JsonNode enhance = comfy.prompts.get(3);
        assertThat(keyframe.path("7").path("class_type").asString()).isEqualTo("TextEncodeQwenImageEdit");
        assertThat(keyframe.path("7").path("inputs").path("prompt").asString()).isEqualTo(INSTRUCTION);
        assertThat(keyframe.path("1").path("inputs").path("image").asString()).matches("ditto/ditto-sample-5-.*-key\\.png");
        assertThat(depth.path("4").path("class_type").asString()).isEqualTo("DepthAnything_V2");
        assertThat(depth.path("1").path("inputs").path("video").asString()).matches("ditto/ditto-sample-5-[^-]+\\.mp4");
        // the VACE stage reads what the two stages before it produced, as uploaded back to ComfyUI's input folder
        assertThat(vace.path("15").path("inputs").path("image").asString()).endsWith("-edited-key.png");
        assertThat(vace.path("1").path("inputs").path("video").asString()).endsWith("-depth.mp4");
        assertThat(vace.path("10").path("inputs").path("reference_image").toString()).isEqualTo("[\"16\",0]");
        assertThat(vace.path("10").path("inputs").path("control_video").toString()).isEqualTo("[\"2\",0]");
        assertThat(vace.path("7").path("inputs").path("text").asString()).isEqualTo(INSTRUCTION);
        assertThat(vace.path("11").path("inputs").path("steps").asInt()).isEqualTo(12);
        assertThat(enhance.path("1").path("inputs").path("video").asString()).endsWith("-vace.mp4");
        assertThat(enhance.path("9").path("class_type").asString()).isEqualTo("KSamplerAdvanced");
        assertThat(enhance.path("9").path("inputs").path("start_at_step").asInt()).isEqualTo(16);
        assertThat(comfy.uploads).hasSize(5);

        assertThat(stages).contains("comfyui-keyframe", "comfyui-depth", "comfyui-vace", "comfyui-enhance");
        assertThat(result.timings()).containsKeys("comfyui.keyframe", "comfyui.depth", "comfyui.vace", "comfyui.enhance");
        assertThat(result.provenance().stages()).extracting(s -> s.stage())
                .containsExactly("keyframe", "depth", "vace", "enhance", "normalise", "metrics");
        var vaceStage = result.provenance().stages().get(2);
        assertThat(vaceStage.version()).isEqualTo("chain-vace-propagate-v1");
        assertThat(vaceStage.details()).containsEntry("model.unet", "wan2.1_vace_14B_fp16.safetensors")
                .containsKey("reference_image").containsKey("control_video");
        assertThat(result.provenance().stages().get(1).details())
                .containsEntry("model.depth_model", "depth_anything_v2_vitl_fp32.safetensors")
                .containsEntry("node_packs", "ComfyUI-DepthAnythingV2,ComfyUI-VideoHelperSuite");
        try (VideoReader out = VideoReader.open(sink.file("edited.mp4"))) {
            assertThat(out.readAll(100)).hasSize(73);
        }
    }

    @Test
    void chainWithoutEnhancerStopsAfterVace() throws Exception {
        GenerateResult result = engine.run(payload(Map.of("route", "chain", "enhance", "false")), source,
                Files.createDirectories(dir.resolve("work")), new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE);

        assertThat(comfy.prompts).hasSize(3);
        assertThat(result.provenance().stages()).extracting(s -> s.stage())
                .containsExactly("keyframe", "depth", "vace", "normalise", "metrics");
    }

    @Test
    void negativeSeedAndHighFrameRateAreMappedIntoComfyUisRanges() throws Exception {
        GeneratePayload p = new GeneratePayload(1, 5, 9, 13, new BlobRef("k", 1, "video/mp4"), INSTRUCTION,
                new EditSpec("style", Map.of(), -1234, INSTRUCTION), new VideoFormat(832, 480, 73, 120), null);

        GenerateResult result = engine.run(p, source, Files.createDirectories(dir.resolve("work")),
                new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE);

        JsonNode prompt = comfy.promptBody.path("prompt");
        assertThat(prompt.path("11").path("inputs").path("seed").bigIntegerValue())
                .isEqualTo(java.math.BigInteger.TWO.pow(64).subtract(java.math.BigInteger.valueOf(1234)));
        assertThat(prompt.path("1").path("inputs").path("force_rate").asInt()).isZero();
        assertThat(prompt.path("14").path("inputs").path("frame_rate").asInt()).isEqualTo(120);
        assertThat(result.provenance().stages().getFirst().seed()).isEqualTo(-1234L);
        assertThat(result.provenance().stages().getFirst().details()).containsEntry("comfyui_seed", "18446744073709550382")
                .containsEntry("load_rate", "0");
    }

    @Test
    void preflightNamesTheMissingModelBeforeAnythingIsQueued() throws Exception {
        ComfyUiGenerateEngine e = engine(ComfyUiSettings.defaults().with(Map.of("editto.lora", "ditto_sim2real.safetensors")),
                new ModelHashes(null));

        assertThatThrownBy(() -> e.run(payload(), source, dir, new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE))
                .isInstanceOf(ComfyUiException.class)
                .hasMessageContaining("would refuse stage editto")
                .hasMessageContaining("node 4 (LoraLoaderModelOnly) lora_name: Value not in list")
                .hasMessageContaining("'ditto_sim2real.safetensors' not in")
                .hasMessageContaining("put that file into the server's model folder");
        assertThat(comfy.requests).doesNotContain("POST /prompt");
        // once the file is there, the same job goes through
        comfy.install("loras", "ditto_sim2real.safetensors");
        e.run(payload(), source, Files.createDirectories(dir.resolve("work")), new TestClips.RecordingSink(dir.resolve("b")),
                Progress.NONE);
        assertThat(comfy.prompts).hasSize(1);
    }

    @Test
    void withoutPreflightTheServerRefusesAMisspeltTemplateTheWayComfyUiDoes() throws Exception {
        DittoWorkflow bundled = DittoWorkflow.loadDefault(json);
        String text = json.writeValueAsString(json.readTree(getClass().getResourceAsStream("editto-native.json")))
                .replace("\"strength\":\"{{vace_strength}}\"", "\"strenght\":\"{{vace_strength}}\"");
        Path template = Files.writeString(dir.resolve("misspelt.json"), text);
        assertThat(text).contains("strenght");
        ComfyUiGenerateEngine e = new ComfyUiGenerateEngine(new ComfyUiClient(comfy.uri(), json), json,
                ComfyUiSettings.defaults().with(Map.of("template.editto", template.toString())), new ModelHashes(null),
                false, "gpu-7", Duration.ofMillis(20), Duration.ofMinutes(5));

        assertThatThrownBy(() -> e.run(payload(), source, dir, new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE))
                .isInstanceOf(ComfyUiException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("Prompt outputs failed validation")
                .hasMessageContaining("node 10 WanVaceToVideo: Required input is missing strength");
        JsonNode refusal = comfy.lastRefusal;
        assertThat(refusal.path("error").path("type").asString()).isEqualTo("prompt_outputs_failed_validation");
        JsonNode node = refusal.path("node_errors").path("10");
        assertThat(node.path("class_type").asString()).isEqualTo("WanVaceToVideo");
        assertThat(node.path("dependent_outputs").toString()).isEqualTo("[\"14\"]");
        assertThat(node.path("errors").path(0).path("type").asString()).isEqualTo("required_input_missing");
        assertThat(node.path("errors").path(0).path("extra_info").path("input_name").asString()).isEqualTo("strength");
        assertThat(bundled.version()).isEqualTo("editto-native-v2");
    }

    @Test
    void modelFilesReadableHereAreHashedOncePerSizeAndMtime() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models/loras"));
        Files.writeString(models.resolve("ditto_global.safetensors"), "not really a LoRA");
        ModelHashes hashes = new ModelHashes(dir.resolve("models"));
        ComfyUiGenerateEngine e = engine(ComfyUiSettings.defaults(), hashes);

        GenerateResult result = e.run(payload(), source, Files.createDirectories(dir.resolve("work")),
                new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE);

        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("not really a LoRA".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(result.provenance().stages().getFirst().details()).containsEntry("sha256.lora", expected)
                .doesNotContainKey("sha256.unet");
        assertThat(hashes.cached()).isEqualTo(1);
        assertThat(hashes.sha256("loras", "ditto_global.safetensors")).isPresent();
        assertThat(hashes.cached()).isEqualTo(1);
        assertThat(hashes.sha256("loras", "../../etc/passwd")).isEmpty();
    }

    @Test
    void failedExecutionReportsTheNodeAndException() {
        comfy.executionError = "CUDA out of memory";

        assertThatThrownBy(() -> engine.run(payload(), source, dir, new TestClips.RecordingSink(dir.resolve("a")), Progress.NONE))
                .isInstanceOf(ComfyUiException.class)
                .hasMessageContaining("KSampler")
                .hasMessageContaining("CUDA out of memory");
    }

    @Test
    void templateFillsEveryPlaceholderWithTypedValues() {
        DittoWorkflow workflow = DittoWorkflow.loadDefault(json);
        assertThat(workflow.placeholders()).contains("video", "prompt", "seed", "width", "height", "frames", "fps", "lora");
        assertThatThrownBy(() -> workflow.fill(Map.of("prompt", "x")))
                .hasMessageContaining("has no value");
    }

    private static GeneratePayload payload() {
        return new GeneratePayload(1, 5, 9, 13, new BlobRef("k", 1, "video/mp4"), INSTRUCTION,
                new EditSpec("style", Map.of("style", "watercolour"), 1234, INSTRUCTION), VideoFormat.DITTO_DEFAULT);
    }

    private static GeneratePayload payload(Map<String, String> backendSettings) {
        return new GeneratePayload(1, 5, 9, 13, new BlobRef("k", 1, "video/mp4"), INSTRUCTION,
                new EditSpec("style", Map.of("style", "watercolour"), 1234, INSTRUCTION), VideoFormat.DITTO_DEFAULT,
                backendSettings);
    }
}
