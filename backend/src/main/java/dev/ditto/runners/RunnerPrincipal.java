package dev.ditto.runners;

/** The runner a request's bearer token belongs to. */
public record RunnerPrincipal(long id, String name) {}
