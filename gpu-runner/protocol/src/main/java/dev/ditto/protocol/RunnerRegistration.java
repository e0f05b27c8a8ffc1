package dev.ditto.protocol;

import java.util.List;

/** {@code POST /api/runner/register}: who the runner is and what it can run. */
public record RunnerRegistration(String name, String host, Capabilities capabilities, List<String> stages, String version) {

    /** Hardware the runner offers; {@code gpus} is empty on CPU-only machines. */
    public record Capabilities(int cpus, long memoryMb, List<String> gpus) {}
}
