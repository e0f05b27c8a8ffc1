package dev.ditto.runner;

import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import java.nio.file.Path;

/** An engine that produces the edited video of a GENERATE job (built-in CPU engine or a model server). */
@FunctionalInterface
public interface GenerateBackend {
    /** Edits {@code sourceClip} as the payload's instruction asks, uploading artefacts through {@code sink}. */
    GenerateResult run(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink, Progress progress)
            throws Exception;
}
