package dev.ditto.runner.comfyui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test schemas (src/test/resources/comfyui, see its README): the real {@code /object_info} of ComfyUI v0.8.0 with
 * VideoHelperSuite, plus WanVideoWrapper and DepthAnythingV2 nodes derived from their source at pinned commits.
 */
final class ComfySchemas {
    /** Inputs that list a model folder's files ({@code folder_paths.get_filename_list}), per class: input -> folder. */
    static final Map<String, Map<String, String>> FILE_INPUTS = Map.of(
            "UNETLoader", Map.of("unet_name", "diffusion_models"),
            "CLIPLoader", Map.of("clip_name", "text_encoders"),
            "VAELoader", Map.of("vae_name", "vae"),
            "LoraLoaderModelOnly", Map.of("lora_name", "loras"),
            "WanVideoVACEModelSelect", Map.of("vace_model", "diffusion_models"),
            "WanVideoModelLoader", Map.of("model", "diffusion_models"),
            "WanVideoLoraSelectMulti", Map.of("lora_0", "loras", "lora_1", "loras", "lora_2", "loras", "lora_3", "loras",
                    "lora_4", "loras"),
            "LoadWanVideoT5TextEncoder", Map.of("model_name", "text_encoders"),
            "WanVideoVAELoader", Map.of("model_name", "vae"));

    private ComfySchemas() {}

    /** Core + VHS (real) merged with the derived pack schemas; a fresh copy each call. */
    static ObjectNode all(JsonMapper json) {
        ObjectNode info = (ObjectNode) read(json, "object_info.json");
        for (String pack : List.of("wanvideowrapper-object_info.json", "depthanythingv2-object_info.json")) {
            read(json, pack).properties().forEach(e -> info.set(e.getKey(), e.getValue()));
        }
        return info;
    }

    /** Only the real server's schema (no WanVideoWrapper, no DepthAnythingV2). */
    static ObjectNode core(JsonMapper json) {
        return (ObjectNode) read(json, "object_info.json");
    }

    /** Adds {@code name} to every file list of {@code folder}, as a server lists a file put into that folder. */
    static void install(ObjectNode info, String folder, String name) {
        FILE_INPUTS.forEach((cls, inputs) -> inputs.forEach((input, f) -> {
            if (!f.equals(folder) || !info.has(cls)) {
                return;
            }
            JsonNode spec = info.path(cls).path("input").path("required").path(input);
            if (spec.path(0).isArray()) {
                ArrayNode list = (ArrayNode) spec.path(0);
                for (JsonNode existing : list) {
                    if (existing.asString("").equals(name)) {
                        return;
                    }
                }
                list.add(name);
            }
        }));
    }

    /** Installs every model file the bundled templates name by default. */
    static void installDefaults(JsonMapper json, ObjectNode info) {
        for (String stage : ComfyUiSettings.STAGES) {
            DittoWorkflow wf = DittoWorkflow.bundled(json, stage);
            wf.models().forEach((placeholder, folder) -> install(info, folder, String.valueOf(wf.defaults().get(placeholder))));
        }
    }

    private static JsonNode read(JsonMapper json, String name) {
        try (InputStream in = ComfySchemas.class.getResourceAsStream("/comfyui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource comfyui/" + name + " missing");
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
