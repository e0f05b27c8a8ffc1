package dev.ditto.imports;

/** A whole import request was refused (disabled, outside the roots, too many URLs); the message says why. */
public class ImportRefusedException extends RuntimeException {
    public ImportRefusedException(String message) {
        super(message);
    }
}
