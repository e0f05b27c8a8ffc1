package dev.ditto.search;

/** What one outbox batch did: events taken, samples written or deleted, events that failed and will be retried. */
public record DrainResult(int events, int samples, int failedEvents) {
    static final DrainResult NOTHING = new DrainResult(0, 0, 0);
}
