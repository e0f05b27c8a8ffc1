package dev.ditto.protocol;

import java.time.Instant;

/**
 * A claimed job. {@code attempt} identifies this lease: heartbeats, uploads and completions carry it,
 * and the server refuses them once the lease was lost (HTTP 409).
 */
public record JobAssignment(long jobId, int attempt, JobType type, JobPayload payload, Instant leaseExpiresAt) {}
