package dev.ditto.protocol;

/** Kinds of work a runner executes. */
public enum JobType {
    /** Inspect, normalise and score a newly ingested source video. */
    PROBE,
    /** Produce one edited video for a (source clip, instruction) pair. */
    GENERATE
}
