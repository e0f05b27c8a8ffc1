package dev.ditto.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ErrorHandler;

/**
 * What a background worker's failed run leaves in the log. A database outage is expected to make every scheduled
 * worker (judge, settings refresh, indexer, reaper, …) fail each turn until PostgreSQL is back: one WARN line each,
 * saying it runs again, instead of a 60-line stack trace per worker per turn that buries the one line an operator
 * needs. Anything else is an ERROR with its stack trace, as before.
 */
final class BackgroundTaskErrors implements ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(BackgroundTaskErrors.class);

    @Override
    public void handleError(Throwable t) {
        if (DatabaseFaults.isUnavailable(t)) {
            log.warn("A background task could not reach PostgreSQL ({}); it runs again at its next turn", summary(t));
        } else {
            log.error("Unexpected error in a background task", t);
        }
    }

    static String summary(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
