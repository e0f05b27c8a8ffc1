package dev.ditto.releases;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Row-level difference from the previous version of the same release name: samples added, removed, and changed
 * (instruction, judge score, verdict or edited video). The id lists hold at most {@link #LISTED} ids each.
 */
public record ReleaseDiff(@Nullable String previousVersion, long added, long removed, long changed,
                          List<Long> addedIds, List<Long> removedIds, List<Change> changes) {
    public static final int LISTED = 100;

    public static ReleaseDiff none() {
        return new ReleaseDiff(null, 0, 0, 0, List.of(), List.of(), List.of());
    }

    /** What changed in one sample kept from the previous version. */
    public record Change(long sampleId, List<String> fields) {}
}
