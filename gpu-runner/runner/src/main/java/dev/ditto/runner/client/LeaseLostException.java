package dev.ditto.runner.client;

/** The server answered 409: this runner no longer holds the job's lease, so its work must stop quietly. */
public final class LeaseLostException extends RuntimeException {
    private final long jobId;

    public LeaseLostException(long jobId, String detail) {
        super("Lease on job " + jobId + " was lost: " + detail);
        this.jobId = jobId;
    }

    /** The job whose lease was lost. */
    public long jobId() {
        return jobId;
    }
}
