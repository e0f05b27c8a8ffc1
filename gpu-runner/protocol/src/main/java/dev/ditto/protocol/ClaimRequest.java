package dev.ditto.protocol;

import java.util.List;

/** {@code POST /api/runner/claim}: long-poll for one job of the given types; 204 when none arrived in time. */
public record ClaimRequest(List<JobType> types, int waitSeconds) {}
