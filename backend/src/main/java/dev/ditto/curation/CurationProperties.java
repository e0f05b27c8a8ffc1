package dev.ditto.curation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Review settings under {@code ditto.curation.*}.
 *
 * @param leaseSeconds        how long a claimed sample stays reserved for its curator; renewed on every claim
 * @param reviewsPerSample    decisions (accept or reject) a sample needs before it is final; 2 or more is double review
 * @param judgeAcceptScore    for curator-vs-judge agreement: a verdict counts as the judge's "accept" when its overall
 *                            score is at least this (and the judge did not auto-reject); samples reach the queue at the
 *                            judge's lower bar, so this is the bar of a confident accept
 */
@ConfigurationProperties("ditto.curation")
public record CurationProperties(@DefaultValue("120") int leaseSeconds,
                                 @DefaultValue("1") int reviewsPerSample,
                                 @DefaultValue("0.6") double judgeAcceptScore) {
    public CurationProperties {
        if (leaseSeconds < 5) {
            throw new IllegalArgumentException("ditto.curation.lease-seconds must be at least 5, was " + leaseSeconds);
        }
        if (reviewsPerSample < 1 || reviewsPerSample > 5) {
            throw new IllegalArgumentException("ditto.curation.reviews-per-sample must be within 1..5, was " + reviewsPerSample);
        }
    }
}
