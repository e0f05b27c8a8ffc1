package dev.ditto.runner;

import dev.ditto.protocol.BlobRef;
import java.io.IOException;
import java.nio.file.Path;

/** Where a job puts the files it produces: the runner uploads each one and answers its blob reference. */
@FunctionalInterface
public interface ArtifactSink {
    /** Uploads {@code file} as artefact {@code name} of the running job and returns where the server stored it. */
    BlobRef store(String name, Path file, String contentType) throws IOException, InterruptedException;
}
