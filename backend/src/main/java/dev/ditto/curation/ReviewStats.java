package dev.ditto.curation;

/**
 * A curator's queue at a glance.
 *
 * @param remaining    samples this curator could still be given (in review, not decided by them, not held by others),
 *                     counted up to {@link #COUNTED_UP_TO} + 1: each needs its reviews and leases looked up, which at a
 *                     million samples took longer than a page may wait (see {@link #remainingLabel()})
 * @param decidedToday this curator's decisions (accept, reject or skip, not undone) since midnight UTC
 * @param inReview     all samples waiting in review
 */
public record ReviewStats(long remaining, long decidedToday, long inReview) {
    /** The most samples {@link #remaining()} counts exactly. */
    public static final int COUNTED_UP_TO = 10_000;

    /** {@link #remaining()} as a person reads it: "10000+" beyond what is counted. */
    public String remainingLabel() {
        return remaining > COUNTED_UP_TO ? COUNTED_UP_TO + "+" : Long.toString(remaining);
    }
}
