package dev.ditto.imports;

import org.jspecify.annotations.Nullable;

/**
 * What happened to one file or URL of an import: a new source, an existing one (same bytes), or the reason it
 * was refused, in words a person can act on.
 */
public record ImportItem(String item, Outcome outcome, @Nullable Long sourceId, @Nullable String error) {

    /** How one item ended. */
    public enum Outcome { IMPORTED, ALREADY_PRESENT, REFUSED }

    static ImportItem imported(String item, long sourceId, boolean duplicate) {
        return new ImportItem(item, duplicate ? Outcome.ALREADY_PRESENT : Outcome.IMPORTED, sourceId, null);
    }

    static ImportItem refused(String item, String error) {
        return new ImportItem(item, Outcome.REFUSED, null, error);
    }

    public boolean ok() {
        return outcome != Outcome.REFUSED;
    }
}
