package dev.ditto.jobs;

import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A claim that waits (without holding a database connection) until a job arrives or the wait is over. It looks at
 * the queue when it starts and again only when {@link JobArrivals} hands it a wake-up (one waiter of its kind per
 * arrival, see there), so thousands of waiting runners cost no queries while nothing arrives.
 */
public final class ClaimLongPoll {
    private final JobQueue queue;
    private final JobArrivals arrivals;

    public ClaimLongPoll(JobQueue queue, JobArrivals arrivals) {
        this.queue = queue;
        this.arrivals = arrivals;
    }

    /**
     * Claims a job of {@code types} for the runner, waiting up to {@code wait}; gives up early when
     * {@code stillWanted} turns false (the runner hung up).
     */
    public Optional<JobAssignment> claim(long runnerId, List<JobType> types, Duration wait, BooleanSupplier stillWanted)
            throws InterruptedException {
        Set<JobType> kind = types.isEmpty() ? EnumSet.allOf(JobType.class) : EnumSet.copyOf(types);
        long deadline = System.nanoTime() + wait.toNanos();
        boolean woken = false;
        while (true) {
            long stamp = arrivals.generation();
            Optional<JobAssignment> job = queue.claimNext(runnerId, types);
            if (job.isPresent()) {
                arrivals.passOn(kind); // more may have arrived: the next waiter of this kind looks too
                return job;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !stillWanted.getAsBoolean()) {
                if (woken && remaining > 0) {
                    arrivals.passOn(kind); // the runner hung up: the wake-up goes to someone who still waits
                }
                return job;
            }
            woken = arrivals.awaitAfter(kind, stamp, remaining);
            if (!woken) {
                return Optional.empty(); // the wait is over and nothing was handed to this claim
            }
        }
    }
}
