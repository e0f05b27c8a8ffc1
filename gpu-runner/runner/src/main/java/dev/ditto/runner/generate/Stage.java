package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;

/**
 * One step of the GENERATE pipeline. Implementations are plug-ins named by engine ({@code builtin.*} here;
 * model-server stages elsewhere) and report which engine, model and version produced their part.
 */
public interface Stage {

    /** Stage name as recorded in timings and provenance, e.g. {@code propagation}. */
    String name();

    /** Runs the stage over the shared job state. */
    StageResult run(GenerationState state, Progress progress) throws Exception;
}
