package dev.ditto.runner.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.client.RunnerJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every workflow the runner can build (Editto native, Editto WanVideoWrapper, the four chain stages), for every setting
 * that changes what is sent (frame rate above VHS_LoadVideo's 60, negative and extreme seeds, sizes and lengths,
 * chain with and without the enhancer, model files from the settings), checked with ComfyUI's validation rules
 * against the real ComfyUI v0.8.0 {@code /object_info} and the pack schemas derived at pinned commits, with the
 * configured model files installed as a server holding them would list them.
 */
class ComfyWorkflowContractTest {
    private static final JsonMapper JSON = RunnerJson.mapper();

    static Stream<Arguments> everyWorkflow() {
        List<Arguments> cases = new ArrayList<>();
        List<VideoFormat> formats = List.of(VideoFormat.DITTO_DEFAULT, new VideoFormat(832, 480, 73, 60),
                new VideoFormat(832, 480, 73, 120), new VideoFormat(480, 832, 81, 24), new VideoFormat(1280, 720, 121, 30),
                new VideoFormat(640, 368, 5, 1));
        List<Long> seeds = List.of(0L, 1234L, -1234L, Long.MAX_VALUE, Long.MIN_VALUE, -1L);
        List<Map<String, String>> settings = List.of(
                Map.of("route", "editto"),
                Map.of("route", "editto", "editto.lora", "ditto_global_style.safetensors", "editto.steps", "8"),
                Map.of("route", "editto-wrapper"),
                Map.of("route", "editto-wrapper", "editto-wrapper.vace_model", "ditto_sim2real_comfy.safetensors",
                        "editto-wrapper.scheduler", "flowmatch_causvid", "editto-wrapper.quantization", "disabled"),
                Map.of("route", "chain"),
                Map.of("route", "chain", "enhance", "false"),
                Map.of("route", "chain", "enhance", "true", "enhance.start_step", "12", "depth.depth_model",
                        "depth_anything_v2_vitb_fp16.safetensors", "keyframe.steps", "8"));
        for (Map<String, String> s : settings) {
            for (VideoFormat f : formats) {
                for (long seed : seeds) {
                    cases.add(Arguments.of(s, f, seed));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("everyWorkflow")
    void comfyUiAcceptsIt(Map<String, String> values, VideoFormat format, long seed) {
        ComfyUiSettings settings = ComfyUiSettings.defaults().with(values);
        for (String stage : settings.stages()) {
            DittoWorkflow workflow = DittoWorkflow.forStage(JSON, settings, stage);
            ObjectNode prompt = ComfyUiGenerateEngine.build(workflow, settings, stage, jobValues(stage, format, seed));
            ObjectNode server = serverWith(workflow, settings, stage);

            PromptValidator validator = new PromptValidator(server, PromptValidator.knownSelfValidated());
            PromptValidator.Result result = validator.validate(prompt);

            assertThat(result.ok()).as("%s stage %s: %s", values, stage, result.describe()).isTrue();
            assertThat(result.nodeErrors().isEmpty()).isTrue();
            assertThat(result.goodOutputs()).containsExactly(workflow.outputNode());
            // ComfyUI ignores inputs it does not know; a template must not rely on that
            assertThat(validator.unknownInputs(prompt)).as("%s unknown inputs", stage).isEmpty();
            assertThat(prompt.toString()).doesNotContain("{{");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void everyStageTemplateNeedsEveryNodeItUses(String stage) {
        // a server without the custom node packs refuses the templates that need them, naming the missing node
        ComfyUiSettings settings = ComfyUiSettings.defaults();
        DittoWorkflow workflow = DittoWorkflow.bundled(JSON, stage);
        ObjectNode prompt = ComfyUiGenerateEngine.build(workflow, settings, stage,
                jobValues(stage, VideoFormat.DITTO_DEFAULT, 7));
        ObjectNode coreOnly = ComfySchemas.core(JSON);
        ComfySchemas.installDefaults(JSON, coreOnly);
        PromptValidator.Result result = new PromptValidator(coreOnly, PromptValidator.knownSelfValidated()).validate(prompt);
        boolean needsPack = stage.equals("editto-wrapper") || stage.equals("depth");
        assertThat(result.ok()).isEqualTo(!needsPack);
        if (needsPack) {
            assertThat(result.error().path("type").asString()).isEqualTo("missing_node_type");
            assertThat(result.error().path("message").asString()).contains("The custom node may not be installed");
        }
    }

    static Stream<String> stages() {
        return ComfyUiSettings.STAGES.stream();
    }

    /** The job values the engine fills a stage with; input files as the engine names its uploads. */
    static Map<String, Object> jobValues(String stage, VideoFormat format, long seed) {
        Map<String, Object> values = new LinkedHashMap<>(ComfyUiGenerateEngine.jobValues("Make it snow", seed, format));
        values.put("video", "ditto/ditto-sample-1-abcd1234.mp4");
        values.put("image", "ditto/ditto-sample-1-abcd1234-key.png");
        values.put("reference_image", "ditto/ditto-sample-1-abcd1234-edited-key.png");
        values.put("output_prefix", "ditto/sample-1-" + stage);
        return values;
    }

    /** A server with the pack schemas and the model files this stage is configured with. */
    static ObjectNode serverWith(DittoWorkflow workflow, ComfyUiSettings settings, String stage) {
        ObjectNode server = ComfySchemas.all(JSON);
        Map<String, Object> values = new LinkedHashMap<>(workflow.defaults());
        values.putAll(workflow.typed(settings.placeholders(stage)));
        workflow.models().forEach((placeholder, folder) ->
                ComfySchemas.install(server, folder, String.valueOf(values.get(placeholder))));
        return server;
    }

    static JsonNode node(JsonNode prompt, String id) {
        return prompt.path(id);
    }
}
