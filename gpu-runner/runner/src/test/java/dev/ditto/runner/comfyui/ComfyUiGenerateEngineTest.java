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
    }

    @BeforeEach
    void start() throws Exception {
        comfy = new FakeComfyUi(json, edited);
        engine = new ComfyUiGenerateEngine(new ComfyUiClient(comfy.uri(), json), DittoWorkflow.loadDefault(json),
                "gpu-7", Duration.ofMillis(20), Duration.ofMinutes(5));
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

        assertThat(comfy.requests).startsWith("POST /upload/image", "POST /prompt");
        assertThat(comfy.requests).contains("GET /history/" + FakeComfyUi.PROMPT_ID, "GET /queue", "GET /view");
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
        assertThat(prompt.toString()).doesNotContain("{{");

        assertThat(stages).contains("comfyui-upload", "comfyui-running", "comfyui-download", "upload");
        try (VideoReader edited = VideoReader.open(sink.file("edited.mp4"))) {
            assertThat(edited.info().width()).isEqualTo(832);
            assertThat(edited.info().height()).isEqualTo(480);
            assertThat(edited.readAll(100)).hasSize(73);
        }
        assertThat(result.editedVideo().contentType()).isEqualTo("video/mp4");
        assertThat(result.editedKeyFrame().contentType()).isEqualTo("image/jpeg");
        assertThat(result.metrics().get("edit_strength")).isBetween(0.01, 1.0);
        assertThat(result.provenance().stages().getFirst().engine()).isEqualTo("comfyui");
        assertThat(result.provenance().stages().getFirst().version()).isEqualTo("ditto-wan21-vace-v1");
        assertThat(result.provenance().stages().getFirst().seed()).isEqualTo(1234L);
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
}
