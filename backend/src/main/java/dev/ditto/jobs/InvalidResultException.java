package dev.ditto.jobs;

/**
 * Thrown by a {@link JobResultHandler} when a runner's result cannot be accepted (e.g. it names a blob that
 * was never uploaded); the completion is rolled back and the runner is told why (HTTP 422).
 */
public final class InvalidResultException extends RuntimeException {
    public InvalidResultException(long jobId, String why) {
        super("The result of job " + jobId + " was refused: " + why);
    }
}
