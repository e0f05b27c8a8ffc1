package dev.ditto.runner.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.RunnerOptions;
import dev.ditto.runner.client.RunnerJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Settings from the command line and per job, and the protocol fields that carry them (old JSON still parses). */
class ComfyUiSettingsTest {
    private final JsonMapper json = RunnerJson.mapper();

    @Test
    void runnerOptionsBuildSettingsAndJobsOverrideThem() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t", "--engine", "comfyui",
                "--comfyui-url", "http://gpu:8188", "--comfyui-route", "chain", "--comfyui-set", "enhance=false",
                "--comfyui-set", "vace.unet=my_vace.safetensors", "--comfyui-template", "depth=/etc/ditto/depth.json",
                "--comfyui-models-dir", "/srv/comfy/models", "--comfyui-no-preflight"}, Map.of());

        ComfyUiSettings settings = new ComfyUiSettings(o.comfyuiSettings());
        assertThat(settings.route()).isEqualTo("chain");
        assertThat(settings.stages()).containsExactly("keyframe", "depth", "vace");
        assertThat(settings.template("depth")).isEqualTo("/etc/ditto/depth.json");
        assertThat(settings.placeholders("vace")).containsEntry("unet", "my_vace.safetensors");
        assertThat(o.comfyuiModelsDir()).hasToString("/srv/comfy/models");
        assertThat(o.comfyuiPreflight()).isFalse();

        ComfyUiSettings job = settings.with(Map.of("route", "editto-wrapper", "editto-wrapper.steps", "6"));
        assertThat(job.stages()).containsExactly("editto-wrapper");
        assertThat(job.placeholders("editto-wrapper")).containsEntry("steps", "6");
        assertThat(job.placeholders("vace")).containsEntry("unet", "my_vace.safetensors");
        assertThat(RunnerOptions.USAGE).contains("--comfyui-route", "--comfyui-set", "--comfyui-template",
                "--comfyui-models-dir", "--comfyui-no-preflight", "ditto_global_comfy.safetensors");
    }

    @Test
    void theOldWorkflowOptionStillNamesTheEdittoTemplate() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t",
                "--comfyui-workflow", "/x.json"}, Map.of());
        assertThat(new ComfyUiSettings(o.comfyuiSettings()).template("editto")).isEqualTo("/x.json");
        assertThat(o.comfyuiPreflight()).isTrue();
    }

    @Test
    void badSettingsAreRefusedWithTheKeysThatExist() {
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t",
                "--comfyui-set", "vace_steps=3"}, Map.of()))
                .hasMessageContaining("unknown ComfyUI setting 'vace_steps'").hasMessageContaining("STAGE.PLACEHOLDER");
        assertThatThrownBy(() -> ComfyUiSettings.defaults().with(Map.of("route", "fast")))
                .hasMessageContaining("route takes editto, editto-wrapper, chain");
        assertThatThrownBy(() -> ComfyUiSettings.defaults().with(Map.of("template.upscale", "/x.json")))
                .hasMessageContaining("no stage 'upscale'");
        assertThatThrownBy(() -> DittoWorkflow.bundled(json, "editto").typed(Map.of("steps", "many")))
                .hasMessageContaining("steps needs a number");
    }

    @Test
    void settingValuesTakeTheTypeOfTheTemplateDefault() {
        Map<String, Object> typed = DittoWorkflow.bundled(json, "editto-wrapper")
                .typed(Map.of("steps", "6", "cfg", "1", "vace_model", "ditto_global_style_comfy.safetensors"));
        assertThat(typed).containsEntry("steps", 6).containsEntry("cfg", 1.0)
                .containsEntry("vace_model", "ditto_global_style_comfy.safetensors");
    }

    @Test
    void protocolCarriesBackendSettingsAndStageDetailsAndOldJsonStillParses() {
        GeneratePayload old = (GeneratePayload) json.readValue("""
                {"type": "GENERATE", "v": 1, "sampleId": 5, "clipId": 9, "instructionId": 13,
                 "sourceClip": {"key": "k", "size": 1, "contentType": "video/mp4"}, "instruction": "x",
                 "edit": {"op": "style", "params": {}, "seed": 3, "prompt": "x"},
                 "format": {"width": 832, "height": 480, "frames": 73, "fps": 20}}""", JobPayload.class);
        assertThat(old.backendSettings()).isNull();
        Provenance.Stage oldStage = json.readValue("""
                {"stage": "generate", "engine": "comfyui", "model": "m", "version": "v", "seed": 3}""",
                Provenance.Stage.class);
        assertThat(oldStage.details()).isNull();
        // absent fields stay absent, so stored provenance and job JSON look as before
        assertThat(json.writeValueAsString(oldStage)).doesNotContain("details");
        assertThat(json.writeValueAsString((JobPayload) old)).doesNotContain("backendSettings");

        GeneratePayload p = new GeneratePayload(1, 5, 9, 13, new BlobRef("k", 1, "video/mp4"), "x",
                new EditSpec("style", Map.of(), 3, "x"), VideoFormat.DITTO_DEFAULT, Map.of("route", "chain"));
        String text = json.writeValueAsString((JobPayload) p);
        assertThat(text).contains("\"type\":\"GENERATE\"", "\"backendSettings\":{\"route\":\"chain\"}");
        assertThat(json.readValue(text, JobPayload.class)).isEqualTo(p);
        Provenance prov = new Provenance("r", List.of(new Provenance.Stage("vace", "comfyui", "m", "v", -3,
                Map.of("comfyui_version", "0.8.0", "workflow_sha256", "ab"))));
        assertThat(json.readValue(json.writeValueAsString(prov), Provenance.class)).isEqualTo(prov);
    }
}
