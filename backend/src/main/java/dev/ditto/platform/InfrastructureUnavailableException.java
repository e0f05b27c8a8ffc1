package dev.ditto.platform;

/** A configured PostgreSQL or Elasticsearch cannot be reached at start-up; the message says which and what to do. */
public class InfrastructureUnavailableException extends RuntimeException {
    private final String component;
    private final String action;

    public InfrastructureUnavailableException(String component, String message, String action, Throwable cause) {
        super(component + ": " + message, cause);
        this.component = component;
        this.action = action;
    }

    public String component() {
        return component;
    }

    public String action() {
        return action;
    }
}
