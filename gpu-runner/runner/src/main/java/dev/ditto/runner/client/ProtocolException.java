package dev.ditto.runner.client;

/** The server refused a request with a status that retrying will not change (4xx other than 409/429). */
public final class ProtocolException extends RuntimeException {
    private final int status;

    public ProtocolException(String request, int status, String body) {
        super(request + " answered HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body)));
        this.status = status;
    }

    /** The HTTP status the server answered. */
    public int status() {
        return status;
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 500 ? oneLine.substring(0, 500) + "…" : oneLine;
    }
}
