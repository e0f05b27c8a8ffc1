package dev.ditto.sources;

/** A file was refused at ingest; the message says why in words a person can act on. */
public class IngestException extends RuntimeException {
    private final String fileName;

    public IngestException(String fileName, String message) {
        super(fileName + ": " + message);
        this.fileName = fileName;
    }

    public IngestException(String fileName, String message, Throwable cause) {
        super(fileName + ": " + message, cause);
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
