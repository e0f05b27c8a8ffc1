package dev.ditto.protocol;

/** GENERATE: produce the edited video for one instruction on one normalised source clip. */
public record GeneratePayload(int v, long sampleId, long clipId, long instructionId, BlobRef sourceClip,
                              String instruction, EditSpec edit, VideoFormat format) implements JobPayload {}
