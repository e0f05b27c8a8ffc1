package dev.ditto.agent.judge;

import java.util.Locale;

/** What a judge scores; safety is checked first when thresholds decide. */
public enum Criterion {
    SAFETY,
    INSTRUCTION_FOLLOWING,
    PRESERVATION,
    VISUAL_QUALITY,
    TEMPORAL_CONSISTENCY;

    /** The lower-case name used in JSON and prompts, e.g. {@code instruction_following}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
