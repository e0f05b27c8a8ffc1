package dev.ditto.releases;

import org.jspecify.annotations.Nullable;

/** What a publisher reports while it works: totals, progress, and the state a resumed run starts from. */
public interface PublicationTracker {

    /** The state the last run saved, or null on a first run. */
    <T> @Nullable T state(Class<T> type);

    /** Saves resumable state (it survives a crash: it is in {@code publications.progress}). */
    void saveState(Object state);

    /** Sets what the whole job amounts to. */
    void totals(int files, long bytes);

    /** Adds finished files and sent bytes. */
    void advance(int files, long bytes);

    /**
     * Called before each file is sent: throws when this server may no longer publish (another server took the
     * publication over, or this one is stopping), so a taken-over publication's files are not sent twice.
     */
    default void checkpoint() {
        // a tracker without leases lets the publisher go on
    }
}
