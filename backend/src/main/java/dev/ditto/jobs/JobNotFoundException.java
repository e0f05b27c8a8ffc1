package dev.ditto.jobs;

/** No job has this id. */
public final class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(long jobId) {
        super("There is no job " + jobId + ".");
    }
}
