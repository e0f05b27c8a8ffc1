package dev.ditto.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Body of {@code POST /api/runner/jobs/{id}/complete}'s {@code result}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ProbeResult.class, name = "PROBE"),
    @JsonSubTypes.Type(value = GenerateResult.class, name = "GENERATE")
})
public sealed interface JobResult permits ProbeResult, GenerateResult {
    int v();
}
