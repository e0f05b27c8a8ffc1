package dev.ditto.runner.client;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper configuration the runner uses on the wire (Jackson 3, ISO-8601 instants). */
public final class RunnerJson {
    private RunnerJson() {}

    /** A mapper that ignores unknown fields, so a newer server can add fields without breaking older runners. */
    public static JsonMapper mapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
