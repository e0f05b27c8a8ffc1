package dev.ditto.protocol;

/** Answer to {@code PUT /api/runner/jobs/{id}/artifacts/{name}?attempt=N} (header {@code X-Content-SHA256}). */
public record ArtifactStored(String name, BlobRef blob) {}
