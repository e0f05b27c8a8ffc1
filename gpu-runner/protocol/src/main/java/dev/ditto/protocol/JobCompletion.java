package dev.ditto.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/runner/jobs/{id}/complete}. A runner that will take more work names the job types it wants in
 * {@code claimNext}: the server then claims its next job in the completion's own transaction and returns it in
 * {@link JobOutcome#next()}, saving a claim round trip per job (an empty {@code next} means: long-poll as usual).
 */
public record JobCompletion(int attempt, JobResult result, @Nullable List<JobType> claimNext) {

    /** A completion that claims nothing. */
    public JobCompletion(int attempt, JobResult result) {
        this(attempt, result, null);
    }
}
