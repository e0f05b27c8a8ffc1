package dev.ditto.releases;

import org.jspecify.annotations.Nullable;

/** A request to build a release: its name (the dataset's name), a semantic version, the selection and notes. */
public record NewRelease(String name, String version, @Nullable ReleaseSelection selection, @Nullable String notes) {}
