package dev.ditto.protocol;

/** Error body of every non-2xx runner-protocol answer. */
public record ProtocolError(int status, String error, String message) {}
