package dev.ditto.curation;

import org.jspecify.annotations.Nullable;

/** One decision as a curator gives it: a reject always carries a reason code; a note is optional. */
public record CuratorDecision(ReviewDecision decision, @Nullable ReasonCode reason, @Nullable String note) {
    public CuratorDecision {
        if (decision == ReviewDecision.REJECT && reason == null) {
            throw new IllegalArgumentException("A reject needs a reason code.");
        }
        if (decision != ReviewDecision.REJECT && reason != null) {
            throw new IllegalArgumentException("Only a reject carries a reason code, not " + decision + ".");
        }
        if (note != null) {
            note = note.strip();
            if (note.isEmpty()) {
                note = null;
            } else if (note.length() > 2000) {
                throw new IllegalArgumentException("A note is at most 2000 characters.");
            }
        }
    }

    public static CuratorDecision accept() {
        return new CuratorDecision(ReviewDecision.ACCEPT, null, null);
    }

    public static CuratorDecision reject(ReasonCode reason, @Nullable String note) {
        return new CuratorDecision(ReviewDecision.REJECT, reason, note);
    }

    public static CuratorDecision skip() {
        return new CuratorDecision(ReviewDecision.SKIP, null, null);
    }
}
