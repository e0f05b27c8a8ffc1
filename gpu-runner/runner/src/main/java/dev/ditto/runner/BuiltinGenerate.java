package dev.ditto.runner;

/** The built-in (CPU, JavaCV/OpenCV) GENERATE engine, as the job loop sees it. */
final class BuiltinGenerate {
    private BuiltinGenerate() {}

    static GenerateBackend backend(RunnerOptions options) {
        return (payload, sourceClip, workDir, sink, progress) -> {
            throw new IllegalStateException("runner " + options.name()
                    + " has no built-in GENERATE engine in this build; start it with --engine comfyui --comfyui-url URL");
        };
    }
}
