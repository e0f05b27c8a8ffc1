package dev.ditto.protocol;

import java.util.List;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Which engine, model, version and seed produced each stage of an artefact. */
public record Provenance(String runner, List<Stage> stages) {
    public Provenance {
        stages = List.copyOf(stages);
    }

    /**
     * One stage's engine, e.g. {@code builtin.flow-propagation} / {@code opencv-dis} / {@code 4.13.0}.
     *
     * @param details optional extra facts (server version, node packs, model file hashes, workflow hash…); null or
     *                absent in older JSON
     */
    public record Stage(String stage, String engine, String model, String version, long seed,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<String, String> details) {
        public Stage {
            details = details == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(details));
        }

        /** A stage without details. */
        public Stage(String stage, String engine, String model, String version, long seed) {
            this(stage, engine, model, version, seed, null);
        }
    }
}
