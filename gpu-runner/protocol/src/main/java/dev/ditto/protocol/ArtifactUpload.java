package dev.ditto.protocol;

/**
 * An artefact the runner sends straight to the object store: body of {@code POST …/artifacts/{name}/upload-url}
 * (asking where to PUT it) and of {@code POST …/artifacts/{name}/uploaded} (asking the server to verify and accept
 * it). {@code sha256} is the lower-case hex of the content, {@code size} its length in bytes.
 */
public record ArtifactUpload(int attempt, String sha256, long size, String contentType) {}
