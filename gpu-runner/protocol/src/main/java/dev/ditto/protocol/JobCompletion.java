package dev.ditto.protocol;

/** {@code POST /api/runner/jobs/{id}/complete}. */
public record JobCompletion(int attempt, JobResult result) {}
