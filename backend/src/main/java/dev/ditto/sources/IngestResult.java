package dev.ditto.sources;

/** What happened to one ingested file: a new source, or the existing source with the same bytes. */
public record IngestResult(long sourceId, boolean duplicate, String originalName, long sizeBytes) {}
