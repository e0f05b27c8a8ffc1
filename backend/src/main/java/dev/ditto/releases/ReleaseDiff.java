package dev.ditto.releases;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Row-level difference from the previous version of the same release name: samples added, removed, and changed
 * (instruction, judge score, verdict or edited video), and the quality report's means and acceptance rates beside
 * the previous version's ({@code quality}; empty for a first version). The id lists hold at most {@link #LISTED} ids
 * each.
 */
public record ReleaseDiff(@Nullable String previousVersion, long added, long removed, long changed,
                          List<Long> addedIds, List<Long> removedIds, List<Change> changes,
                          @Nullable List<QualityReport.Change> quality) {
    public static final int LISTED = 100;

    public ReleaseDiff {
        quality = quality == null ? List.of() : List.copyOf(quality);
    }

    public ReleaseDiff(@Nullable String previousVersion, long added, long removed, long changed,
                       List<Long> addedIds, List<Long> removedIds, List<Change> changes) {
        this(previousVersion, added, removed, changed, addedIds, removedIds, changes, List.of());
    }

    public static ReleaseDiff none() {
        return new ReleaseDiff(null, 0, 0, 0, List.of(), List.of(), List.of());
    }

    /** This diff with the quality comparison. */
    public ReleaseDiff withQuality(List<QualityReport.Change> comparison) {
        return new ReleaseDiff(previousVersion, added, removed, changed, addedIds, removedIds, changes, comparison);
    }

    /** What changed in one sample kept from the previous version. */
    public record Change(long sampleId, List<String> fields) {}
}
