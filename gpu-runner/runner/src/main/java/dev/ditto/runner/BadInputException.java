package dev.ditto.runner;

import java.io.IOException;

/** The job's input itself is unusable (too short, wrong shape, not a video): retrying will not help. */
public final class BadInputException extends IOException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
