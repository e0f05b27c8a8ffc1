package dev.ditto.releases;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A release as stored: its version, selection, state, counts by category, diff, notes and manifest hash, and the
 * sim2real subset it ships (null when it ships only the forward pairs) and its quality report (null until built).
 */
public record Release(long id, String name, String version, ReleaseSelection selection, State state,
                      @Nullable Long previousId, @Nullable String previousVersion, int sampleCount,
                      Map<String, Long> counts, ReleaseDiff diff, @Nullable String manifestSha256,
                      @Nullable String notes, @Nullable String error, Instant createdAt, @Nullable Instant builtAt,
                      Sim2Real.@Nullable Subset sim2real, @Nullable QualityReport quality) {

    /** Where a release is in its life; PUBLISHED is final. */
    public enum State { DRAFT, BUILDING, BUILT, FAILED, PUBLISHED }

    /** Whether its files exist and can be published. */
    public boolean publishable() {
        return state == State.BUILT || state == State.PUBLISHED;
    }
}
