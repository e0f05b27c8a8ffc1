package dev.ditto.runner;

/** How a job tells the runner which stage it is in; sent with the next heartbeat and logged. */
@FunctionalInterface
public interface Progress {
    /** A progress sink that drops everything (for tools and tests that run an engine directly). */
    Progress NONE = (stage, fraction) -> {};

    /** The job is in {@code stage}, {@code fraction} (0..1) of the way through it. */
    void report(String stage, double fraction);
}
