package dev.ditto.releases;

import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Release notes: the author's text followed by the generated diff from the previous version. */
final class ReleaseNotes {
    private ReleaseNotes() {}

    static String compose(@Nullable String authored, ReleaseDiff diff) {
        String summary = diffSummary(diff);
        return authored == null || authored.isBlank() ? summary : authored.strip() + "\n\n" + summary;
    }

    static String diffSummary(ReleaseDiff diff) {
        if (diff.previousVersion() == null) {
            return "First version.";
        }
        StringBuilder s = new StringBuilder("Changes since ").append(diff.previousVersion()).append(": ")
                .append(diff.added()).append(" added, ").append(diff.removed()).append(" removed, ")
                .append(diff.changed()).append(" changed.");
        if (!diff.addedIds().isEmpty()) {
            s.append("\n- added: ").append(ids(diff.addedIds(), diff.added()));
        }
        if (!diff.removedIds().isEmpty()) {
            s.append("\n- removed: ").append(ids(diff.removedIds(), diff.removed()));
        }
        for (ReleaseDiff.Change c : diff.changes()) {
            s.append("\n- sample ").append(c.sampleId()).append(" changed: ").append(String.join(", ", c.fields()));
        }
        if (diff.changed() > diff.changes().size()) {
            s.append("\n- … and ").append(diff.changed() - diff.changes().size()).append(" more changed samples");
        }
        return s.toString();
    }

    private static String ids(java.util.List<Long> ids, long total) {
        String listed = ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return total > ids.size() ? listed + " … (" + total + " in all)" : listed;
    }
}
