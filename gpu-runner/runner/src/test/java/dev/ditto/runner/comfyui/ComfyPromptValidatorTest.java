package dev.ditto.runner.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.client.RunnerJson;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** ComfyUI's validation rules, one by one, on the native Editto workflow against the real v0.8.0 schema. */
class ComfyPromptValidatorTest {
    private static final JsonMapper JSON = RunnerJson.mapper();
    ObjectNode server;
    ObjectNode prompt;
    PromptValidator validator;

    @BeforeEach
    void build() {
        ComfyUiSettings settings = ComfyUiSettings.defaults();
        DittoWorkflow workflow = DittoWorkflow.bundled(JSON, "editto");
        prompt = ComfyUiGenerateEngine.build(workflow, settings, "editto",
                ComfyWorkflowContractTest.jobValues("editto", VideoFormat.DITTO_DEFAULT, 1234));
        server = ComfyWorkflowContractTest.serverWith(workflow, settings, "editto");
        validator = new PromptValidator(server, PromptValidator.knownSelfValidated());
        assertThat(validator.validate(prompt).ok()).isTrue();
    }

    @Test
    void aMisspeltInputNameIsRefusedAsAMissingRequiredInput() {
        ObjectNode inputs = (ObjectNode) prompt.path("10").path("inputs");
        inputs.set("strenght", inputs.remove("strength"));

        PromptValidator.Result result = validator.validate(prompt);

        assertThat(result.ok()).isFalse();
        JsonNode body = result.body();
        assertThat(body.path("error").path("type").asString()).isEqualTo("prompt_outputs_failed_validation");
        assertThat(body.path("error").path("message").asString()).isEqualTo("Prompt outputs failed validation");
        // ComfyUI lists only the output node's own reasons here; the output (14) is invalid only through node 10
        assertThat(body.path("error").path("details").asString()).isEmpty();
        JsonNode node = body.path("node_errors").path("10");
        assertThat(node.path("class_type").asString()).isEqualTo("WanVaceToVideo");
        assertThat(node.path("dependent_outputs").toString()).isEqualTo("[\"14\"]");
        JsonNode error = node.path("errors").path(0);
        assertThat(error.path("type").asString()).isEqualTo("required_input_missing");
        assertThat(error.path("message").asString()).isEqualTo("Required input is missing");
        assertThat(error.path("details").asString()).isEqualTo("strength");
        assertThat(error.path("extra_info").path("input_name").asString()).isEqualTo("strength");
        // nodes downstream of the broken one are invalid too but carry no errors of their own, so are not listed
        assertThat(body.path("node_errors").propertyNames()).containsExactly("10");
        assertThat(validator.unknownInputs(prompt)).containsExactly("10.strenght");
        assertThat(result.describe()).contains("node 10 (WanVaceToVideo) strength: Required input is missing");
    }

    @Test
    void aMisspeltOptionalInputIsIgnoredLikeComfyUiDoesButTheLintFindsIt() {
        ObjectNode inputs = (ObjectNode) prompt.path("10").path("inputs");
        inputs.set("control_vidoe", inputs.remove("control_video"));

        assertThat(validator.validate(prompt).ok()).isTrue();
        assertThat(validator.unknownInputs(prompt)).containsExactly("10.control_vidoe");
    }

    @Test
    void aModelFileTheServerDoesNotHaveIsNotInTheList() {
        ((ObjectNode) prompt.path("4").path("inputs")).put("lora_name", "Editto_XL.safetensors");

        JsonNode error = validator.validate(prompt).nodeErrors().path("4").path("errors").path(0);

        assertThat(error.path("type").asString()).isEqualTo("value_not_in_list");
        // the captured server lists a placeholder name; the test server also "holds" the configured Ditto LoRA
        assertThat(error.path("details").asString()).isEqualTo("lora_name: 'Editto_XL.safetensors' not in "
                + "['Editto_Wan2.1_VACE_14B_lora.safetensors', 'ditto_global.safetensors']");
        assertThat(error.path("extra_info").path("received_value").asString()).isEqualTo("Editto_XL.safetensors");
    }

    @Test
    void numbersOutsideMinAndMaxAreRefused() {
        ((ObjectNode) prompt.path("1").path("inputs")).put("force_rate", 120);
        ((ObjectNode) prompt.path("11").path("inputs")).put("seed", -5);

        PromptValidator.Result result = validator.validate(prompt);

        JsonNode load = result.nodeErrors().path("1").path("errors").path(0);
        assertThat(load.path("type").asString()).isEqualTo("value_bigger_than_max");
        assertThat(load.path("message").asString()).isEqualTo("Value 120.0 bigger than max of 60"); // float(120), as Python prints it
        JsonNode sampler = result.nodeErrors().path("11").path("errors").path(0);
        assertThat(sampler.path("type").asString()).isEqualTo("value_smaller_than_min");
        assertThat(sampler.path("message").asString()).isEqualTo("Value -5 smaller than min of 0");
        assertThat(result.nodeErrors().path("11").path("dependent_outputs").toString()).isEqualTo("[\"14\"]");
    }

    @Test
    void seedsUpTo2To64Minus1AreAccepted() {
        ((ObjectNode) prompt.path("11").path("inputs")).put("seed", ComfyUiGenerateEngine.comfySeed(Long.MIN_VALUE));
        assertThat(validator.validate(prompt).ok()).isTrue();
        ((ObjectNode) prompt.path("11").path("inputs")).put("seed", ComfyUiGenerateEngine.comfySeed(-1));
        assertThat(validator.validate(prompt).ok()).isTrue();
        ((ObjectNode) prompt.path("11").path("inputs")).put("seed",
                ComfyUiGenerateEngine.comfySeed(-1).add(java.math.BigInteger.ONE));
        assertThat(validator.validate(prompt).ok()).isFalse();
    }

    @Test
    void aLinkToTheWrongOutputSlotIsAReturnTypeMismatch() {
        // WanVaceToVideo outputs (CONDITIONING, CONDITIONING, LATENT, INT): slot 3 is trim_latent, not a latent
        ((ObjectNode) prompt.path("11").path("inputs")).set("latent_image", JSON.readTree("[\"10\", 3]"));

        JsonNode error = validator.validate(prompt).nodeErrors().path("11").path("errors").path(0);

        assertThat(error.path("type").asString()).isEqualTo("return_type_mismatch");
        assertThat(error.path("details").asString()).isEqualTo("latent_image, received_type(INT) mismatch input_type(LATENT)");
        assertThat(error.path("extra_info").path("linked_node").toString()).isEqualTo("[\"10\",3]");
    }

    @Test
    void aLinkToAMissingNodeFailsValidationWithAnException() {
        ((ObjectNode) prompt.path("13").path("inputs")).set("vae", JSON.readTree("[\"99\", 0]"));

        PromptValidator.Result result = validator.validate(prompt);

        assertThat(result.ok()).isFalse();
        assertThat(result.nodeErrors().path("14").path("errors").path(0).path("type").asString())
                .isEqualTo("exception_during_validation");
    }

    @Test
    void anUnknownNodeClassAndAPromptWithoutOutputsAreRefusedOutright() {
        ((ObjectNode) prompt.path("4")).put("class_type", "LoraLoaderModelOnlyy");
        PromptValidator.Result unknown = validator.validate(prompt);
        assertThat(unknown.error().path("type").asString()).isEqualTo("missing_node_type");
        assertThat(unknown.error().path("details").asString()).isEqualTo("Node ID '#4'");
        assertThat(unknown.nodeErrors().isEmpty()).isTrue();

        ObjectNode noOutput = JsonNodeFactory.instance.objectNode();
        noOutput.set("3", prompt.path("3"));
        assertThat(validator.validate(noOutput).error().path("type").asString()).isEqualTo("prompt_no_outputs");
    }

    @Test
    void typeMatchingFollowsComfyUi() {
        var nodes = JsonNodeFactory.instance;
        assertThat(PromptValidator.validateNodeInput("IMAGE", nodes.stringNode("IMAGE"))).isTrue();
        assertThat(PromptValidator.validateNodeInput("*", nodes.stringNode("LATENT"))).isTrue();
        assertThat(PromptValidator.validateNodeInput("LATENT", nodes.stringNode("*"))).isTrue();
        assertThat(PromptValidator.validateNodeInput("IMAGE,MASK", nodes.stringNode("MASK"))).isTrue();
        assertThat(PromptValidator.validateNodeInput("INT", nodes.stringNode("FLOAT, INT"))).isTrue();
        assertThat(PromptValidator.validateNodeInput("INT", nodes.stringNode("FLOAT"))).isFalse();
        assertThat(PromptValidator.validateNodeInput("IMAGE", nodes.arrayNode().add("a"))).isFalse();
    }

    @Test
    void valuesConvertLikePythonAndUnconvertibleOnesAreRefused() {
        ((ObjectNode) prompt.path("11").path("inputs")).put("steps", "30");
        assertThat(validator.validate(prompt).ok()).isTrue();
        ((ObjectNode) prompt.path("11").path("inputs")).put("steps", "thirty");
        JsonNode error = validator.validate(prompt).nodeErrors().path("11").path("errors").path(0);
        assertThat(error.path("type").asString()).isEqualTo("invalid_input_type");
        assertThat(error.path("message").asString()).isEqualTo("Failed to convert an input value to a INT value");
    }

    @Test
    void selfValidatedInputsSkipTheListAndRunTheNodesOwnCheck() {
        // VHS_LoadVideo's video list is empty on this server: ComfyUI leaves the file to the node's VALIDATE_INPUTS
        assertThat(server.path("VHS_LoadVideo").path("input").path("required").path("video").path(0).isEmpty()).isTrue();
        assertThat(validator.validate(prompt).ok()).isTrue();
        PromptValidator strict = new PromptValidator(server, PromptValidator.knownSelfValidated(),
                (cls, input, value) -> "Invalid video file: " + value.asString());
        JsonNode error = strict.validate(prompt).nodeErrors().path("1").path("errors").path(0);
        assertThat(error.path("type").asString()).isEqualTo("custom_validation_failed");
        assertThat(new PromptValidator(server, Map.of()).validate(prompt).nodeErrors().path("1").path("errors").path(0)
                .path("type").asString()).isEqualTo("value_not_in_list");
    }
}
