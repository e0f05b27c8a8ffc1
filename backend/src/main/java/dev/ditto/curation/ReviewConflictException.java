package dev.ditto.curation;

/** A decision that cannot apply: the sample left the review queue, or this curator already decided on it. */
public class ReviewConflictException extends IllegalStateException {
    private final long sampleId;

    public ReviewConflictException(long sampleId, String message) {
        super("Sample " + sampleId + ": " + message);
        this.sampleId = sampleId;
    }

    public long sampleId() {
        return sampleId;
    }
}
