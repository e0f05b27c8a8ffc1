package dev.ditto.jobs;

/** The runner no longer holds the job's lease for this attempt (it expired, was reassigned or dropped): HTTP 409. */
public final class LeaseLostException extends RuntimeException {
    private final long jobId;
    private final int attempt;

    public LeaseLostException(long jobId, int attempt, String why) {
        super("Job " + jobId + " attempt " + attempt + ": " + why
                + " Stop working on it; the queue has already given it to another attempt or a person parked it.");
        this.jobId = jobId;
        this.attempt = attempt;
    }

    public long jobId() {
        return jobId;
    }

    public int attempt() {
        return attempt;
    }
}
