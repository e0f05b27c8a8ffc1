package dev.ditto.runner;

import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import java.nio.file.Path;

/** Runs one kind of job once its input has been downloaded. */
@FunctionalInterface
public interface JobHandler {
    /**
     * Runs the job. Throws {@link BadInputException} (or the media layer's bad-video error) when the input is
     * unusable, and honours thread interruption (the lease was lost or the runner is shutting down).
     */
    JobResult run(JobPayload payload, Path input, Path workDir, ArtifactSink artifacts, Progress progress) throws Exception;
}
