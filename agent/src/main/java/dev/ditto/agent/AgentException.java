package dev.ditto.agent;

import org.jspecify.annotations.Nullable;

/** An agent engine failed for one item (a source or sample); carries its id so the caller can mark just that item. */
public class AgentException extends RuntimeException {

    private final String itemId;

    public AgentException(String itemId, String message, @Nullable Throwable cause) {
        super("[" + itemId + "] " + message, cause);
        this.itemId = itemId;
    }

    public AgentException(String itemId, String message) {
        this(itemId, message, null);
    }

    /** The id of the source (for writers) or sample (for judges) the failure belongs to. */
    public String itemId() {
        return itemId;
    }

    /** Alias of {@link #itemId()} for writer failures, where the item is a source. */
    public String sourceId() {
        return itemId;
    }
}
