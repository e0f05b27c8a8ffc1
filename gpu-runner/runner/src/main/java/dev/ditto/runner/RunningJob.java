package dev.ditto.runner;

import dev.ditto.protocol.JobAssignment;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One job this runner holds, with the state its heartbeat and its worker thread share. */
final class RunningJob {
    private static final Logger log = LoggerFactory.getLogger(JobLoop.class);

    final JobAssignment assignment;
    volatile String stage = "queued";
    volatile double fraction;
    volatile boolean leaseLost;
    volatile boolean cancelledByServer;
    volatile boolean handBack;
    volatile @Nullable Future<?> future;
    volatile @Nullable ScheduledFuture<?> heartbeat;
    volatile @Nullable Thread thread;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile int loggedStep = -1;
    private volatile String loggedStage = "";

    RunningJob(JobAssignment assignment) {
        this.assignment = assignment;
    }

    boolean stopRequested() {
        return leaseLost || cancelledByServer || handBack;
    }

    /** True for the one caller that gets to report the job's outcome. */
    boolean claimReport() {
        return reported.compareAndSet(false, true);
    }

    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    void progress(String newStage, double newFraction) {
        stage = newStage;
        fraction = Math.max(0, Math.min(1, newFraction));
        int step = (int) (fraction * 4);
        if (!newStage.equals(loggedStage) || step > loggedStep) {
            loggedStage = newStage;
            loggedStep = step;
            log.info("Job {} [{}] {} {}%", assignment.jobId(), assignment.type(), newStage, Math.round(fraction * 100));
        }
    }
}
