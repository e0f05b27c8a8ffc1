package dev.ditto.releases;

/** A release or publication request that cannot be carried out; the message says why and what to do. */
public class ReleaseException extends RuntimeException {
    private final Reason reason;

    public ReleaseException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReleaseException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The kind of refusal, which the REST API maps to a status code. */
    public enum Reason { NOT_FOUND, CONFLICT, INVALID, FAILED }
}
