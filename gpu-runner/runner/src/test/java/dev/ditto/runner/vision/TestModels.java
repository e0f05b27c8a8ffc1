package dev.ditto.runner.vision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Model files tests need, fetched once per build into {@code target/models} with {@code npm pack} (the npm registry
 * is the one place these ship). Empty when npm or the registry is unavailable; a test that needs a model takes it with
 * {@link #requireSelfieSegmentation()} and fails saying how to get it, never silently testing a fallback instead.
 */
public final class TestModels {
    private static final Path DIR = Path.of("target", "models");
    private static final String SELFIE = "@mediapipe/selfie_segmentation@0.1.1675465747";
    private static boolean tried;

    private TestModels() {}

    /** {@code selfie_segmentation.tflite}; fails the test, saying how to get it, when it could not be fetched. */
    public static Path requireSelfieSegmentation() {
        return selfieSegmentation().orElseThrow(() -> new IllegalStateException(SELFIE + " could not be fetched into "
                + DIR.toAbsolutePath() + " with npm pack (the npm registry): run gpu-runner/fetch-models.sh or ./ditto test, "
                + "which fetch it; without it this test would check the GrabCut fallback, not the model"));
    }

    /** {@code selfie_segmentation.tflite}, or empty when it could not be fetched. */
    public static synchronized Optional<Path> selfieSegmentation() {
        Path model = DIR.resolve("selfie_segmentation.tflite");
        if (Files.isReadable(model)) {
            return Optional.of(model);
        }
        if (!tried) {
            tried = true;
            try {
                Files.createDirectories(DIR);
                if (run(DIR, "npm", "pack", "--silent", SELFIE)) {
                    try (var files = Files.list(DIR)) {
                        Path tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElse(null);
                        if (tgz != null) {
                            run(DIR, "tar", "-xzf", tgz.getFileName().toString(), "--strip-components=1",
                                    "package/selfie_segmentation.tflite", "package/selfie_segmentation_landscape.tflite");
                            Files.deleteIfExists(tgz);
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("[TestModels] could not fetch " + SELFIE + ": " + e.getMessage());
            }
        }
        if (!Files.isReadable(model)) {
            System.err.println("[TestModels] " + SELFIE + " unavailable");
            return Optional.empty();
        }
        return Optional.of(model);
    }

    private static final String OBJECTRON = "@mediapipe/objectron@0.4.1675468480";
    private static boolean triedObjects;

    /**
     * The object detector's model, unpacked from the Objectron asset bundle as {@code fetch-models.sh} does (or
     * from {@code $DITTO_MODELS}); empty when it could not be fetched.
     */
    public static synchronized Optional<Path> objectDetector() {
        String name = "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite";
        String env = System.getenv("DITTO_MODELS");
        if (env != null && Files.isReadable(Path.of(env, name))) {
            return Optional.of(Path.of(env, name));
        }
        Path model = DIR.resolve(name);
        if (!Files.isReadable(model) && !triedObjects) {
            triedObjects = true;
            try {
                Files.createDirectories(DIR);
                if (run(DIR, "npm", "pack", "--silent", OBJECTRON)) {
                    run(DIR, "bash", "-c", "tar -xzf mediapipe-objectron-*.tgz --strip-components=1 "
                            + "package/objectron_solution_packed_assets.data && tail -c +185 "
                            + "objectron_solution_packed_assets.data > " + name
                            + " && rm -f objectron_solution_packed_assets.data mediapipe-objectron-*.tgz");
                }
            } catch (IOException e) {
                System.err.println("[TestModels] could not fetch " + OBJECTRON + ": " + e.getMessage());
            }
        }
        return Files.isReadable(model) ? Optional.of(model) : Optional.empty();
    }

    private static boolean run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }
}
