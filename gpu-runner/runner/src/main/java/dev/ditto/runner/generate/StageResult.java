package dev.ditto.runner.generate;

/** Which engine, model and version a stage ran with (recorded on the sample as provenance). */
public record StageResult(String engine, String model, String version) {}
