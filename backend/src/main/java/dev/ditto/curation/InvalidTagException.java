package dev.ditto.curation;

/** A tag that cannot be stored, with the reason and what a valid tag looks like. */
public class InvalidTagException extends IllegalArgumentException {
    private final String tag;

    InvalidTagException(String tag, String reason) {
        super(tag.isEmpty() ? "No tag: " + reason + "." : "The tag '" + tag + "' is not valid: " + reason + ".");
        this.tag = tag;
    }

    /** The tag as given. */
    public String tag() {
        return tag;
    }
}
