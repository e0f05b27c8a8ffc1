package dev.ditto.ui.campaignsview;

import dev.ditto.campaigns.Campaign;

/** A campaign's GENERATE jobs in the words of its page: queued, running, done (succeeded), failed (parked). */
record JobCounts(long queued, long running, long done, long failed, long cancelled) {

    static JobCounts of(Campaign c) {
        return new JobCounts(c.jobs().getOrDefault("QUEUED", 0L), c.jobs().getOrDefault("RUNNING", 0L),
                c.jobs().getOrDefault("SUCCEEDED", 0L), c.jobs().getOrDefault("PARKED", 0L),
                c.jobs().getOrDefault("CANCELLED", 0L));
    }

    long total() {
        return queued + running + done + failed + cancelled;
    }

    /** Whether every job has ended (and there is at least one). */
    boolean finished() {
        return total() > 0 && queued == 0 && running == 0;
    }
}
