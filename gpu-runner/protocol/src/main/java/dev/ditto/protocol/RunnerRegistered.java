package dev.ditto.protocol;

/** Answer to a registration: the runner's id and the liveness contract it must keep. */
public record RunnerRegistered(long runnerId, int heartbeatSeconds, int leaseSeconds) {}
