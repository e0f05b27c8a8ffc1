package dev.ditto.runner;

import dev.ditto.runner.client.ServerStorageFullException;
import dev.ditto.runner.media.BadVideoException;
import org.jspecify.annotations.Nullable;

/** Decides whether a job's failure is the input's fault (park it) or the machine's (retry elsewhere). */
final class FailureClassifier {
    private FailureClassifier() {}

    /** True when some cause in the chain says the input is unusable. */
    static boolean isBadInput(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof BadVideoException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** True when some cause in the chain is the server's full disk (507): no fault of the job, so it is handed back. */
    static boolean isServerStorageFull(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerStorageFullException) {
                return true;
            }
        }
        return false;
    }

    /** The most useful one-line message: the bad-input cause if any, else the outermost message with its type. */
    static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof BadVideoException) {
                return message(t);
            }
        }
        Throwable root = error;
        StringBuilder text = new StringBuilder(message(error));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            String m = root.getMessage();
            if (m != null && !text.toString().contains(m)) {
                text.append(" (caused by ").append(root.getClass().getSimpleName()).append(": ").append(m).append(')');
                break;
            }
        }
        return text.toString();
    }

    private static String message(Throwable t) {
        @Nullable String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
