package dev.ditto.runner.media;

import java.io.IOException;
import java.nio.file.Path;

/** The input is not a decodable video: corrupt, truncated, empty, audio-only, too large or not a video at all. */
public final class BadVideoException extends IOException {
    private final Path file;

    public BadVideoException(Path file, String reason) {
        super(message(file, reason));
        this.file = file;
    }

    public BadVideoException(Path file, String reason, Throwable cause) {
        super(message(file, reason) + " (" + cause.getMessage() + ")", cause);
        this.file = file;
    }

    /** The file that could not be used. */
    public Path file() {
        return file;
    }

    private static String message(Path file, String reason) {
        return "Bad video " + file.getFileName() + ": " + reason;
    }
}
