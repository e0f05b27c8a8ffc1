package dev.ditto.samples;

/**
 * Where a sample is on its way from instruction to release: exactly the values the {@code samples.status} check of the
 * schema allows ({@code SampleStatusIT} compares them), in pipeline order.
 */
public enum SampleStatus {
    /** written, its GENERATE job queued */
    QUEUED,
    /** a runner is making the edited video */
    GENERATING,
    /** generation failed for good (the job was parked) */
    FAILED,
    /** generated, waiting for (or with) the judge */
    JUDGING,
    /** the judge found it below the thresholds; the reason is kept */
    AUTO_REJECTED,
    /** waiting for a curator */
    IN_REVIEW,
    /** a curator accepted it: it goes into the next release */
    ACCEPTED,
    /** a curator rejected it */
    REJECTED
}
