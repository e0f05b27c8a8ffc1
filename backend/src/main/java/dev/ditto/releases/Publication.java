package dev.ditto.releases;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A publication of a release to a target, with live progress for the UI and the CLI: files and bytes done out of
 * the totals, the current rate and the estimated time left; the resulting commit once done.
 */
public record Publication(long id, long releaseId, ReleasePublisher.Target target, String destination, State state,
                          int filesTotal, int filesDone, long bytesTotal, long bytesDone,
                          @Nullable Double bytesPerSecond, @Nullable Long etaSeconds,
                          @Nullable String commitId, @Nullable String commitUrl, @Nullable String error,
                          Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt) {

    /** Where a publication is; FAILED and CANCELLED ones can be resumed. */
    public enum State { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

    public boolean finished() {
        return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
    }
}
