package dev.ditto.protocol;

/** PROBE: inspect the uploaded source, cut it into training-format clips and score them. */
public record ProbePayload(int v, long sourceId, BlobRef video, String originalName, VideoFormat format,
                           double minClipSeconds, double maxClipSeconds) implements JobPayload {}
