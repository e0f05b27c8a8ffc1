package dev.ditto.curation;

/**
 * A curator's queue at a glance.
 *
 * @param remaining    samples this curator could still be given (in review, not decided by them, not held by others)
 * @param decidedToday this curator's decisions (accept, reject or skip, not undone) since midnight UTC
 * @param inReview     all samples waiting in review
 */
public record ReviewStats(long remaining, long decidedToday, long inReview) {}
