package dev.ditto.search;

/** A search matches more samples than an action on all of them takes at once. */
public final class TooManyMatchesException extends IllegalArgumentException {
    private final int max;

    public TooManyMatchesException(int max) {
        super("The search matches more than " + max + " samples; narrow it (filters, more words) first.");
        this.max = max;
    }

    public int max() {
        return max;
    }
}
