package dev.ditto.agent.caption;

import dev.ditto.agent.AgentException;

/** The captioning model answered with something that must not become a caption; the message says why. */
public final class CaptionRefusedException extends AgentException {

    private final String reason;

    public CaptionRefusedException(String sourceId, String reason) {
        super(sourceId, "caption refused: " + reason);
        this.reason = reason;
    }

    /** Why the answer was refused, for the source's caption state. */
    public String reason() {
        return reason;
    }
}
