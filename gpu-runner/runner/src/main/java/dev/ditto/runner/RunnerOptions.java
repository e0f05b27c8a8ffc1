package dev.ditto.runner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import dev.ditto.runner.comfyui.ComfyUiSettings;
import org.jspecify.annotations.Nullable;

/**
 * The runner's command line, parsed and checked.
 *
 * @param token bearer token; {@code --token} or {@code $DITTO_RUNNER_TOKEN} (the latter keeps it out of {@code ps})
 * @param modelsDir explicit models directory, or null for {@code $DITTO_MODELS} / {@code ~/.cache/ditto/models}
 * @param engine GENERATE engine: {@code builtin} (CPU, JavaCV/OpenCV) or {@code comfyui}
 * @param comfyuiSettings ComfyUI backend settings ({@code dev.ditto.runner.comfyui.ComfyUiSettings} keys), from
 *                        {@code --comfyui-route}, {@code --comfyui-set}, {@code --comfyui-template} and
 *                        {@code --comfyui-workflow}
 * @param comfyuiModelsDir ComfyUI's {@code models} folder when the runner can read it (model SHA-256 in provenance)
 * @param comfyuiPreflight whether each workflow is checked against the server's {@code /object_info} before queueing
 * @param clipModel a CLIP model folder ({@code --clip-model}): GENERATE results then carry {@code clip_t} and
 *                  {@code clip_f}; null for none
 */
public record RunnerOptions(URI server, String token, int concurrency, Path workDir, Set<String> stages, String name,
                            @Nullable Path modelsDir, String engine, @Nullable URI comfyuiUrl, Duration grace,
                            int claimWaitSeconds, @Nullable Path probeFile, @Nullable Path comfyuiWorkflow,
                            Map<String, String> comfyuiSettings, @Nullable Path comfyuiModelsDir,
                            boolean comfyuiPreflight, boolean help, @Nullable Path clipModel) {

    public static final String USAGE = """
            Usage: java -jar ditto-runner.jar --server URL [options]

            Claims jobs from a Ditto server over HTTP, runs them, uploads the results.

              --server URL          Ditto server base URL, e.g. http://ditto.local:8080 (required)
              --token T             runner token issued by an admin (or set DITTO_RUNNER_TOKEN)
              --concurrency N       jobs run at once (default 1)
              --work-dir DIR        scratch space for inputs and outputs (default ./ditto-runner-work)
              --stages LIST         job types to claim: probe,generate (default both)
              --name NAME           name shown on the server (default: host name)
              --models-dir DIR      model files (default $DITTO_MODELS or ~/.cache/ditto/models;
                                    fill it with gpu-runner/fetch-models.sh DIR)
              --engine E            GENERATE engine: builtin (CPU) or comfyui (default builtin)
              --comfyui-url URL     ComfyUI server for --engine comfyui, e.g. http://127.0.0.1:8188
              --comfyui-route R     editto (one call: core nodes, Wan2.1-VACE-14B + Ditto LoRA; default),
                                    editto-wrapper (one call: kijai/ComfyUI-WanVideoWrapper + Ditto VACE
                                    module ditto_global_comfy.safetensors + CausVid LoRA, 4 steps) or
                                    chain (Qwen-Image-Edit key frame -> Depth Anything V2 depth video ->
                                    VACE propagation -> Wan2.2 low-noise enhancer)
              --comfyui-set K=V     a ComfyUI setting, repeatable: enhance=false (chain without the
                                    enhancer), STAGE.PLACEHOLDER=VALUE for a model file name or sampler
                                    value (e.g. editto-wrapper.vace_model=ditto_global_style_comfy.safetensors,
                                    vace.steps=20), pack.NAME=COMMIT (recorded in provenance); stages:
                                    editto, editto-wrapper, keyframe, depth, vace, enhance. A job's
                                    settings from the server apply over these. See docs/comfyui.md
              --comfyui-template S=F  template file (API format with {{placeholders}}) for stage S instead
                                    of the bundled one, repeatable
              --comfyui-workflow F  same as --comfyui-template editto=F
              --comfyui-models-dir DIR  ComfyUI's models folder, if readable here: model files' SHA-256
                                    go into provenance (hashed once per file size and mtime)
              --comfyui-no-preflight  queue workflows without first checking them against the server's
                                    /object_info
              --clip-model DIR      a CLIP model (vision_model.onnx, text_model.onnx, tokenizer.json): every
                                    GENERATE result then carries clip_t (frame-instruction) and clip_f
                                    (consecutive-frame) similarity in its metrics
              --grace-seconds S     on SIGTERM, time running jobs get to finish before they are
                                    handed back (default 120)
              --probe-file FILE     run PROBE on a local video without a server: clips, key frames
                                    and thumbnails go to --work-dir, the result JSON to stdout
              --help                this text
            """;

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static RunnerOptions parse(String[] args, Map<String, String> env) {
        URI server = null;
        String token = env.getOrDefault("DITTO_RUNNER_TOKEN", "");
        int concurrency = 1;
        Path workDir = Path.of("ditto-runner-work");
        Set<String> stages = new LinkedHashSet<>(List.of("probe", "generate"));
        String name = defaultName();
        Path modelsDir = null;
        String engine = "builtin";
        URI comfyui = null;
        Duration grace = Duration.ofSeconds(120);
        int claimWait = 30;
        boolean help = false;
        Path probeFile = null;
        Path workflow = null;
        Map<String, String> comfySettings = new java.util.TreeMap<>();
        Path comfyModels = null;
        Path clipModel = null;
        boolean preflight = true;
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--comfyui-no-preflight")) {
                preflight = false;
                continue;
            }
            if (value == null) {
                if (i + 1 >= list.size()) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                value = list.get(++i);
            }
            switch (arg) {
                case "--server" -> server = uri(arg, value);
                case "--token" -> token = value;
                case "--concurrency" -> concurrency = positiveInt(arg, value);
                case "--work-dir" -> workDir = Path.of(value);
                case "--stages" -> stages = stages(value);
                case "--name" -> name = value;
                case "--models-dir" -> modelsDir = Path.of(value);
                case "--engine" -> engine = engine(value);
                case "--comfyui-url" -> comfyui = uri(arg, value);
                case "--grace-seconds" -> grace = Duration.ofSeconds(positiveInt(arg, value));
                case "--claim-wait-seconds" -> claimWait = positiveInt(arg, value);
                case "--probe-file" -> probeFile = Path.of(value);
                case "--comfyui-workflow" -> workflow = Path.of(value);
                case "--comfyui-route" -> comfySettings.put("route", value.strip());
                case "--comfyui-set" -> {
                    var e = ComfyUiSettings.parseEntry(arg, value);
                    comfySettings.put(e.getKey(), e.getValue());
                }
                case "--comfyui-template" -> {
                    var e = ComfyUiSettings.parseEntry(arg, value);
                    comfySettings.put("template." + e.getKey(), e.getValue());
                }
                case "--comfyui-models-dir" -> comfyModels = Path.of(value);
                case "--clip-model" -> clipModel = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        if (!help && probeFile == null) {
            if (server == null) {
                throw new IllegalArgumentException("--server is required (see --help)");
            }
            if (token.isBlank()) {
                throw new IllegalArgumentException("a runner token is required: --token T or DITTO_RUNNER_TOKEN");
            }
            if (engine.equals("comfyui") && comfyui == null) {
                throw new IllegalArgumentException("--engine comfyui needs --comfyui-url URL");
            }
        }
        if (workflow != null) {
            comfySettings.putIfAbsent("template.editto", workflow.toString());
        }
        new ComfyUiSettings(comfySettings); // checks keys and values now, not at the first job
        return new RunnerOptions(server == null ? URI.create("http://127.0.0.1:8080") : server, token, concurrency,
                workDir, Set.copyOf(stages), name, modelsDir, engine, comfyui, grace, claimWait, probeFile, workflow,
                Map.copyOf(comfySettings), comfyModels, preflight, help, clipModel);
    }

    private static URI uri(String option, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(option + " must be an http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be an http(s) URL, got '" + value + "'", e);
        }
    }

    private static int positiveInt(String option, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a positive whole number, got '" + value + "'");
        }
    }

    private static Set<String> stages(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            String stage = s.strip().toLowerCase(Locale.ROOT);
            if (!stage.equals("probe") && !stage.equals("generate")) {
                throw new IllegalArgumentException("--stages takes probe and/or generate, got '" + s + "'");
            }
            out.add(stage);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--stages needs at least one of probe,generate");
        }
        return out;
    }

    private static String engine(String value) {
        String e = value.strip().toLowerCase(Locale.ROOT);
        if (!e.equals("builtin") && !e.equals("comfyui")) {
            throw new IllegalArgumentException("--engine takes builtin or comfyui, got '" + value + "'");
        }
        return e;
    }

    private static String defaultName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "runner";
        }
    }
}
