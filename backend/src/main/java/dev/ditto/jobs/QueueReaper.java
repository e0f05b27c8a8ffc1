package dev.ditto.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Returns jobs whose runner stopped heartbeating to the queue, every {@code ditto.queue.reaper-interval-ms}. */
@Component
class QueueReaper {
    private static final Logger log = LoggerFactory.getLogger(QueueReaper.class);
    private final JobQueue queue;

    QueueReaper(JobQueue queue) {
        this.queue = queue;
    }

    @Scheduled(fixedDelayString = "${ditto.queue.reaper-interval-ms:5000}", initialDelayString = "${ditto.queue.reaper-interval-ms:5000}")
    void reap() {
        try {
            queue.reapExpiredLeases();
        } catch (RuntimeException e) {
            log.warn("Returning expired leases to the queue failed; trying again at the next round", e);
        }
    }
}
