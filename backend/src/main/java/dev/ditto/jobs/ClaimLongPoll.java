package dev.ditto.jobs;

import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A claim that waits (without holding a database connection) until a job arrives or the wait is over. */
public final class ClaimLongPoll {
    private final JobQueue queue;
    private final JobArrivals arrivals;
    private final long pollNanos;

    public ClaimLongPoll(JobQueue queue, JobArrivals arrivals, Duration poll) {
        this.queue = queue;
        this.arrivals = arrivals;
        this.pollNanos = poll.toNanos();
    }

    /**
     * Claims a job of {@code types} for the runner, waiting up to {@code wait}; gives up early when
     * {@code stillWanted} turns false (the runner hung up).
     */
    public Optional<JobAssignment> claim(long runnerId, List<JobType> types, Duration wait, BooleanSupplier stillWanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long stamp = arrivals.generation();
            Optional<JobAssignment> job = queue.claimNext(runnerId, types);
            long remaining = deadline - System.nanoTime();
            if (job.isPresent() || remaining <= 0 || !stillWanted.getAsBoolean()) {
                return job;
            }
            arrivals.awaitAfter(stamp, Math.min(remaining, pollNanos));
        }
    }
}
