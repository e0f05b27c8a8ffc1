package dev.ditto.releases;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Sends a built release somewhere: one implementation per target (a local folder, the Hugging Face Hub). */
public interface ReleasePublisher {

    /** The target this publisher serves. */
    Target target();

    /**
     * Publishes the release's files to {@code job.destination()}, reporting progress and saving resumable state
     * through the tracker; a second call with the state a cut-off call saved finishes the job without re-sending
     * what was done.
     */
    Outcome publish(Job job) throws Exception;

    /**
     * Refuses a destination this publisher may not write to, before the publication is queued.
     *
     * @throws ReleaseException INVALID, with the reason
     */
    default void checkDestination(String destination) {
        // any destination of the right form
    }

    /** The message with any secret this publisher holds masked, for logs, errors and the UI. */
    default String redact(String message) {
        return message;
    }

    /** Where a release can be published. */
    enum Target { HUB, FOLDER }

    /** One publication to carry out. */
    record Job(long publicationId, Release release, Path releaseDir, ReleaseManifest manifest, String destination,
               PublicationTracker tracker, ReleaseFiles files) {
        /** A job over the release's local folder. */
        public Job(long publicationId, Release release, Path releaseDir, ReleaseManifest manifest, String destination,
                   PublicationTracker tracker) {
            this(publicationId, release, releaseDir, manifest, destination, tracker, ReleaseFiles.local(releaseDir));
        }
    }

    /** The result: the commit that holds the release, where the target has commits. */
    record Outcome(@Nullable String commitId, @Nullable String commitUrl) {}
}
