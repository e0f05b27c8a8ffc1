package dev.ditto.runner.models;

import dev.ditto.protocol.Provenance;

/** Builds the provenance line of a score: which engine and model produced it, or why it is absent. */
public final class ScoreProvenance {
    /** Engine name recorded when a score could not be computed. */
    public static final String ABSENT = "absent";

    private ScoreProvenance() {}

    /** A score produced by {@code engine} with {@code model} (file name or algorithm) at {@code version}. */
    public static Provenance.Stage produced(String stage, String engine, String model, String version) {
        return new Provenance.Stage(stage, engine, model, version, 0L);
    }

    /** A score that is absent, with the reason in the model field. */
    public static Provenance.Stage absent(String stage, String reason) {
        return new Provenance.Stage(stage, ABSENT, reason, "", 0L);
    }
}
