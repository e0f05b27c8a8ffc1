package dev.ditto.releases;

import org.jspecify.annotations.Nullable;

/**
 * A request to build a release: its name (the dataset's name), a semantic version, the selection and notes; with
 * {@code sim2real} true it also ships the reverse pairs of its eligible samples (see {@link Sim2Real}).
 */
public record NewRelease(String name, String version, @Nullable ReleaseSelection selection, @Nullable String notes,
                         @Nullable Boolean sim2real) {

    public NewRelease(String name, String version, @Nullable ReleaseSelection selection, @Nullable String notes) {
        this(name, version, selection, notes, null);
    }

    /** Whether the reverse pairs are asked for. */
    public boolean withSim2Real() {
        return Boolean.TRUE.equals(sim2real);
    }
}
