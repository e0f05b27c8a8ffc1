package dev.ditto.runner.comfyui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The ComfyUI backend's settings: a flat {@code key=value} map, from the runner's options ({@code --comfyui-route},
 * {@code --comfyui-set KEY=VALUE}, {@code --comfyui-template STAGE=FILE}) with a job's
 * {@code GeneratePayload.backendSettings} applied over them. Keys:
 * <ul>
 *   <li>{@code route}: {@code editto} (one call, core nodes + Ditto LoRA), {@code editto-wrapper} (one call,
 *       kijai/ComfyUI-WanVideoWrapper + Ditto VACE module) or {@code chain} (the paper's four stages)</li>
 *   <li>{@code enhance}: {@code true}/{@code false}, whether the chain runs its Wan2.2 enhancer stage</li>
 *   <li>{@code template.STAGE}: a template file replacing the bundled one for that stage</li>
 *   <li>{@code STAGE.PLACEHOLDER}: a value for a template placeholder with a default (model file names, steps, cfg,
 *       shift…), e.g. {@code editto-wrapper.vace_model=ditto_global_style_comfy.safetensors}</li>
 *   <li>{@code pack.NAME}: the node pack commit the operator installed, recorded in provenance as declared</li>
 * </ul>
 * Stages: {@code editto}, {@code editto-wrapper}, {@code keyframe}, {@code depth}, {@code vace}, {@code enhance}.
 */
public record ComfyUiSettings(Map<String, String> values) {
    /** Stages with a bundled template, in the order the routes run them. */
    public static final List<String> STAGES = List.of("editto", "editto-wrapper", "keyframe", "depth", "vace", "enhance");
    /** Routes. */
    public static final List<String> ROUTES = List.of("editto", "editto-wrapper", "chain");

    public ComfyUiSettings {
        values = Map.copyOf(values);
        check(values);
    }

    /** The defaults: the native Editto route. */
    public static ComfyUiSettings defaults() {
        return new ComfyUiSettings(Map.of());
    }

    /** These settings with {@code overrides} (a job's backend settings; null: none) applied over them. */
    public ComfyUiSettings with(@Nullable Map<String, String> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new TreeMap<>(values);
        overrides.forEach((k, v) -> merged.put(k.strip(), v.strip()));
        return new ComfyUiSettings(merged);
    }

    /** The route to run. */
    public String route() {
        return values.getOrDefault("route", "editto");
    }

    /** Whether the chain runs the enhancer stage. */
    public boolean enhance() {
        return Boolean.parseBoolean(values.getOrDefault("enhance", "true"));
    }

    /** The template file replacing a stage's bundled template, if any. */
    public @Nullable String template(String stage) {
        return values.get("template." + stage);
    }

    /** Placeholder values set for {@code stage} ({@code STAGE.name=value}), as strings. */
    public Map<String, String> placeholders(String stage) {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = stage + ".";
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Declared node pack commits ({@code pack.NAME=commit}). */
    public Map<String, String> packs() {
        return placeholders("pack");
    }

    /** The stages {@link #route()} runs. */
    public List<String> stages() {
        return switch (route()) {
            case "editto-wrapper" -> List.of("editto-wrapper");
            case "chain" -> enhance() ? List.of("keyframe", "depth", "vace", "enhance") : List.of("keyframe", "depth", "vace");
            default -> List.of("editto");
        };
    }

    /** Parses {@code KEY=VALUE}. */
    public static Map.Entry<String, String> parseEntry(String option, String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(option + " takes KEY=VALUE, got '" + text + "'");
        }
        return Map.entry(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
    }

    private static void check(Map<String, String> values) {
        for (var e : values.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.equals("route")) {
                if (!ROUTES.contains(value)) {
                    throw new IllegalArgumentException("ComfyUI setting route takes " + String.join(", ", ROUTES)
                            + ", got '" + value + "'");
                }
            } else if (key.equals("enhance")) {
                String v = value.toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException("ComfyUI setting enhance takes true or false, got '" + value + "'");
                }
            } else {
                int dot = key.indexOf('.');
                String head = dot < 0 ? key : key.substring(0, dot);
                if (dot < 0 || (!head.equals("template") && !head.equals("pack") && !STAGES.contains(head))) {
                    throw new IllegalArgumentException("unknown ComfyUI setting '" + key + "': use route, enhance, "
                            + "template.STAGE, pack.NAME or STAGE.PLACEHOLDER with STAGE one of " + String.join(", ", STAGES));
                }
                if (head.equals("template") && !STAGES.contains(key.substring(dot + 1))) {
                    throw new IllegalArgumentException("ComfyUI setting " + key + ": no stage '" + key.substring(dot + 1)
                            + "' (stages: " + String.join(", ", STAGES) + ")");
                }
            }
        }
    }
}
