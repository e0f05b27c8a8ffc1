package dev.ditto.curation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Batch decisions ("decide all N matches of a query") under {@code ditto.curation.batches.*}.
 *
 * @param pageSize     snapshot ids decided (or undone) per transaction
 * @param pollMs       how often a server looks for a batch to run or take over (a new batch or an undo starts at once)
 * @param leaseSeconds a running batch belongs to one server while it renews this lease with every page; a batch whose
 *                     server stopped is taken over where its last page ended
 * @param maxMatches   the most samples one batch may decide; a query that matches more is refused with the reason
 * @param enabled      whether this server runs batches (another server sharing the database may run them instead)
 */
@ConfigurationProperties("ditto.curation.batches")
public record DecisionBatchProperties(@DefaultValue("1000") int pageSize,
                                      @DefaultValue("1000") long pollMs,
                                      @DefaultValue("30") int leaseSeconds,
                                      @DefaultValue("200000") int maxMatches,
                                      @DefaultValue("true") boolean enabled) {
    public DecisionBatchProperties {
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("ditto.curation.batches.page-size must be within 1..10000, was " + pageSize);
        }
        if (leaseSeconds < 5) {
            throw new IllegalArgumentException("ditto.curation.batches.lease-seconds must be at least 5, was " + leaseSeconds);
        }
        if (maxMatches < 1) {
            throw new IllegalArgumentException("ditto.curation.batches.max-matches must be at least 1, was " + maxMatches);
        }
    }
}
