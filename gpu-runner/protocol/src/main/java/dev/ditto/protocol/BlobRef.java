package dev.ditto.protocol;

/**
 * A file in the server's blob store: fetch it with {@code GET /api/runner/blobs/{key}}.
 * {@code key} is the content address (sha256 hex).
 */
public record BlobRef(String key, long size, String contentType) {}
