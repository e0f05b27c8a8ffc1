package dev.ditto.runners;

import org.springframework.http.HttpStatus;

/** A runner request the server refuses, with the HTTP status and the {@code ProtocolError} code to answer. */
final class RunnerRequestException extends RuntimeException {
    private final HttpStatus status;
    private final String error;

    RunnerRequestException(HttpStatus status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    HttpStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
