package dev.ditto.protocol;

/** {@code POST /api/runner/jobs/{id}/heartbeat}: extends the lease; {@code progress} is 0..1 within {@code stage}. */
public record Heartbeat(int attempt, String stage, double progress) {}
