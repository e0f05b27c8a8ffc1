package dev.ditto.protocol;

import java.util.List;

/** Which engine, model, version and seed produced each stage of an artefact. */
public record Provenance(String runner, List<Stage> stages) {
    public Provenance {
        stages = List.copyOf(stages);
    }

    /** One stage's engine, e.g. {@code builtin.flow-propagation} / {@code opencv-dis} / {@code 4.13.0}. */
    public record Stage(String stage, String engine, String model, String version, long seed) {}
}
