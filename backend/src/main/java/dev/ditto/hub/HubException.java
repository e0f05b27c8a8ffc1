package dev.ditto.hub;

/** The Hub refused or failed a request; the message names the request and the next step, never the token. */
public class HubException extends java.io.IOException {
    private final int status;

    public HubException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
