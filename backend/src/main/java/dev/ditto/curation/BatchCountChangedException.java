package dev.ditto.curation;

/** The query matches another number of samples than the curator confirmed: nothing was decided. */
public final class BatchCountChangedException extends IllegalStateException {
    private final long expected;
    private final long matches;

    public BatchCountChangedException(long expected, long matches) {
        super("The query matches " + matches + " samples now, not the " + expected + " you confirmed; nothing was decided."
                + " Check the search again and confirm " + matches + " ('expectedCount') to go on.");
        this.expected = expected;
        this.matches = matches;
    }

    public long expected() {
        return expected;
    }

    public long matches() {
        return matches;
    }
}
