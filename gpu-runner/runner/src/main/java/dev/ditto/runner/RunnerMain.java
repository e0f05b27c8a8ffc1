package dev.ditto.runner;

import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import dev.ditto.runner.client.RetryPolicy;
import dev.ditto.runner.client.RunnerClient;
import dev.ditto.runner.client.RunnerJson;
import dev.ditto.runner.comfyui.ComfyUiClient;
import dev.ditto.runner.clip.ClipScorer;
import dev.ditto.runner.comfyui.ComfyUiGenerateEngine;
import dev.ditto.runner.comfyui.ComfyUiSettings;
import dev.ditto.runner.comfyui.DittoWorkflow;
import dev.ditto.runner.comfyui.ModelHashes;
import dev.ditto.runner.models.ModelStore;
import dev.ditto.runner.probe.ProbeDetectors;
import dev.ditto.runner.probe.ProbeEngine;
import dev.ditto.runner.probe.ProbeLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** Command-line entry point of the Ditto runner: {@code java -jar ditto-runner.jar --server URL --token T}. */
public final class RunnerMain {
    private static final Logger log = LoggerFactory.getLogger(RunnerMain.class);

    private RunnerMain() {}

    public static void main(String[] args) {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("ditto-runner: " + e.getMessage());
            System.err.println();
            System.err.print(RunnerOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(RunnerOptions.USAGE);
            return;
        }
        System.exit(options.probeFile() != null ? probeLocally(options, options.probeFile()) : run(options));
    }

    /** {@code --probe-file}: PROBE a local video, artefacts into the work dir, result JSON on stdout. */
    static int probeLocally(RunnerOptions options, java.nio.file.Path file) {
        JsonMapper json = RunnerJson.mapper();
        java.nio.file.Path out = options.workDir().resolve("probe-" + file.getFileName());
        try (ProbeDetectors detectors = ProbeDetectors.load(ModelStore.locate(options.modelsDir(), System.getenv()))) {
            java.nio.file.Files.createDirectories(out);
            ProbeEngine probe = new ProbeEngine(detectors, ProbeLimits.DEFAULT, options.name());
            ArtifactSink copyToOut = (name, source, contentType) -> {
                java.nio.file.Path target = out.resolve(name);
                if (!target.equals(source)) {
                    java.nio.file.Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return new dev.ditto.protocol.BlobRef(RunnerClient.sha256Hex(target), java.nio.file.Files.size(target),
                        contentType);
            };
            var payload = new dev.ditto.protocol.ProbePayload(1, 0,
                    new dev.ditto.protocol.BlobRef("local", java.nio.file.Files.size(file), "video/mp4"),
                    file.getFileName().toString(), dev.ditto.protocol.VideoFormat.DITTO_DEFAULT, 2.0, 8.0);
            var result = probe.run(payload, file, out, copyToOut,
                    (stage, fraction) -> log.info("{} {}%", stage, Math.round(fraction * 100)));
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            log.info("Artefacts in {}", out.toAbsolutePath());
            return 0;
        } catch (Exception e) {
            boolean bad = FailureClassifier.isBadInput(e);
            log.error("{}: {}", bad ? "Bad input" : "PROBE failed", FailureClassifier.describe(e));
            return bad ? 3 : 1;
        }
    }

    /** Registers, runs the job loop until SIGTERM (or a fatal refusal), and returns the process exit code. */
    static int run(RunnerOptions options) {
        return run(options, null);
    }

    /**
     * As {@link #run(RunnerOptions)}, with {@code generate} (when not null) in place of the configured GENERATE
     * engine: the fault drills run many runners with a trivial engine to load the queue, nothing else does.
     */
    static int run(RunnerOptions options, @Nullable JobHandler generateOverride) {
        JsonMapper json = RunnerJson.mapper();
        RunnerClient client = new RunnerClient(options.server(), options.token(), json, RetryPolicy.DEFAULT,
                Duration.ofSeconds(30));
        ModelStore models = ModelStore.locate(options.modelsDir(), System.getenv());
        log.info("Models from {}", models.directory());
        Map<JobType, JobHandler> handlers = new EnumMap<>(JobType.class);
        List<AutoCloseable> resources = new ArrayList<>();
        if (options.stages().contains("probe")) {
            ProbeDetectors detectors = ProbeDetectors.load(models);
            resources.add(detectors);
            ProbeEngine probe = new ProbeEngine(detectors, ProbeLimits.DEFAULT, options.name());
            handlers.put(JobType.PROBE, probe::run);
        }
        if (options.stages().contains("generate") && generateOverride != null) {
            handlers.put(JobType.GENERATE, generateOverride);
        } else if (options.stages().contains("generate")) {
            GenerateBackend generate;
            try {
                generate = withClip(generateBackend(options, json, models, resources), options.clipModel(), resources);
            } catch (IOException e) {
                log.error("{}", e.getMessage());
                closeAll(resources);
                return 2;
            }
            handlers.put(JobType.GENERATE, (payload, input, workDir, sink, progress) ->
                    generate.run((GeneratePayload) payload, input, workDir, sink, progress));
        }
        RunnerRegistered registered;
        try {
            registered = client.register(registration(options));
        } catch (Exception e) {
            log.error("Could not register with {}: {}", options.server(), e.getMessage());
            return 1;
        }
        log.info("Registered as runner {} at {} (heartbeat every {} s, lease {} s)", registered.runnerId(),
                options.server(), registered.heartbeatSeconds(), registered.leaseSeconds());
        JobLoop loop = new JobLoop(client, handlers, options.workDir(), options.concurrency(),
                Duration.ofSeconds(Math.max(1, registered.heartbeatSeconds())), options.claimWaitSeconds(), options.name());
        // SIGTERM and SIGINT stop claiming and let this thread shut down in order: jobs finish or are handed back,
        // their threads end, then the native models close and the process exits 0. (Left to the JVM's shutdown, the
        // exit would run ONNX Runtime's native teardown under a job thread still inside an inference: SIGSEGV.)
        for (String signal : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                    log.info("SIG{}: no more claims; finishing running jobs (grace {} s)", signal, options.grace().toSeconds());
                    loop.requestStop();
                });
            } catch (IllegalArgumentException e) {
                log.debug("SIG{} cannot be handled here ({}); the shutdown hook stops the loop", signal, e.getMessage());
            }
        }
        Thread hook = new Thread(() -> loop.shutdown(options.grace()), "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            loop.run();
            // stopped claiming (SIGTERM or a refused token): wait until running jobs are finished or handed back
            loop.shutdown(options.grace());
            if (loop.refused()) {
                return 4;
            }
        } catch (Exception e) {
            log.error("Runner loop stopped: {}", e.getMessage(), e);
            loop.shutdown(options.grace());
            return 1;
        } finally {
            if (loop.jobThreadsEnded()) {
                closeAll(resources);
            } else {
                log.warn("Models left open: a job thread is still running (closing them under it would crash)");
            }
        }
        return 0;
    }

    /** The engine with CLIP-T and CLIP-F added to its results when a CLIP model is given. */
    private static GenerateBackend withClip(GenerateBackend engine, java.nio.file.@Nullable Path clipModel,
                                            List<AutoCloseable> resources) throws IOException {
        if (clipModel == null) {
            return engine;
        }
        ClipScorer clip = ClipScorer.load(clipModel, ClipMetrics.MAX_FRAMES);
        resources.add(clip);
        log.info("GENERATE results carry CLIP-T and CLIP-F from the CLIP model in {}", clip.dir());
        return ClipMetrics.wrap(engine, clip);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing at exit: nothing to recover
            }
        }
    }

    private static GenerateBackend generateBackend(RunnerOptions options, JsonMapper json, ModelStore models,
                                                   List<AutoCloseable> resources) {
        if (options.engine().equals("comfyui") && options.comfyuiUrl() != null) {
            ComfyUiClient comfy = new ComfyUiClient(options.comfyuiUrl(), json);
            ComfyUiSettings settings = new ComfyUiSettings(options.comfyuiSettings());
            for (String stage : settings.stages()) {
                DittoWorkflow.forStage(json, settings, stage); // a broken template file fails at start, not per job
            }
            log.info("GENERATE on ComfyUI at {}: route {} (stages {}), preflight {}", options.comfyuiUrl(), settings.route(),
                    settings.stages(), options.comfyuiPreflight() ? "on" : "off");
            return new ComfyUiGenerateEngine(comfy, json, settings, new ModelHashes(options.comfyuiModelsDir()),
                    options.comfyuiPreflight(), options.name(), Duration.ofSeconds(2), Duration.ofHours(2),
                    models.find(dev.ditto.runner.models.ModelFile.BRISQUE_MODEL).map(Path::getParent).orElse(null));
        }
        var engine = BuiltinGenerate.engine(options.name(), models);
        resources.add(engine);
        log.info("GENERATE on the built-in CPU engine (segmentation: {})", engine.segmentationEngine());
        return BuiltinGenerate.backend(engine);
    }

    private static RunnerRegistration registration(RunnerOptions options) {
        long memoryMb = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memoryMb = os.getTotalMemorySize() / (1024 * 1024);
        }
        List<String> stages = options.stages().stream().sorted().toList();
        String version = RunnerMain.class.getPackage().getImplementationVersion();
        return new RunnerRegistration(options.name(), hostName(),
                new RunnerRegistration.Capabilities(Runtime.getRuntime().availableProcessors(), memoryMb, gpus()),
                stages, version == null ? "dev" : version);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** GPU names from {@code nvidia-smi}, or none when it is absent (a CPU-only machine). */
    static List<String> gpus() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            List<String> names = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        names.add(line.strip());
                    }
                }
            }
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return List.of();
            }
            return names;
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
