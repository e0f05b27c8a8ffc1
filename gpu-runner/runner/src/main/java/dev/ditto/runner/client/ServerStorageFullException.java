package dev.ditto.runner.client;

/**
 * The server answered 507 Insufficient Storage: its blob store's disk is full. No fault of the job and not worth a
 * quick retry: the runner keeps the job, waits longer (its own back-off) and uploads again, or hands the job back.
 */
public final class ServerStorageFullException extends RuntimeException {
    public ServerStorageFullException(String request, String body) {
        super(request + " answered HTTP 507, the server's disk is full" + (body.isBlank() ? "" : ": " + oneLine(body)));
    }

    private static String oneLine(String body) {
        String text = body.replaceAll("\\s+", " ").strip();
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
