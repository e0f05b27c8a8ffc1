package dev.ditto.protocol;

import java.time.Instant;

/** The new lease expiry; {@code cancel=true} asks the runner to stop the job (it was dropped by a person). */
public record HeartbeatAck(Instant leaseExpiresAt, boolean cancel) {}
