package dev.ditto.runner;

import dev.ditto.runner.generate.GenerateEngine;
import dev.ditto.runner.models.ModelFile;
import dev.ditto.runner.models.ModelStore;
import java.nio.file.Path;
import java.util.List;

/** The built-in (CPU, JavaCV/OpenCV) GENERATE engine, as the job loop sees it: an edit spec it refuses is bad input. */
final class BuiltinGenerate {
    private BuiltinGenerate() {}

    /** The engine, with the selfie-segmentation model and BRISQUE files from the model store when present. */
    static GenerateEngine engine(String runnerName, ModelStore models) {
        Path selfie = models.find(ModelFile.SELFIE_SEGMENTATION).orElse(null);
        Path brisqueDir = models.find(ModelFile.BRISQUE_MODEL).map(Path::getParent).orElse(null);
        Path objects = models.find(ModelFile.OBJECT_DETECTION_OIDV4).orElse(null);
        return new GenerateEngine(runnerName, selfie, brisqueDir, objects);
    }

    /** Wraps the engine so a spec it cannot execute fails the job once, without retries. */
    static GenerateBackend backend(GenerateEngine engine) {
        return (payload, sourceClip, workDir, sink, progress) -> {
            try {
                GenerateEngine.validate(payload.edit());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("Sample " + payload.sampleId() + ": edit spec refused by the built-in engine: "
                        + e.getMessage() + " (supported ops: " + List.copyOf(GenerateEngine.supportedOps()) + ")", e);
            }
            return engine.run(payload, sourceClip, workDir, sink, progress);
        };
    }
}
