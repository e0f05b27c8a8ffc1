package dev.ditto.runners;

/** A new runner and its bearer token: the only time the token is ever shown. */
public record CreatedRunner(long id, String name, String token, String tokenHint) {}
