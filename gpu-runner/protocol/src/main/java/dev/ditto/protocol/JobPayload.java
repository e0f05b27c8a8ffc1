package dev.ditto.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a job asks the runner to do; the JSON carries {@code "type"} and a schema version {@code "v"}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ProbePayload.class, name = "PROBE"),
    @JsonSubTypes.Type(value = GeneratePayload.class, name = "GENERATE")
})
public sealed interface JobPayload permits ProbePayload, GeneratePayload {
    int CURRENT_VERSION = 1;

    int v();
}
