package dev.ditto.imports;

import java.util.List;

/** The per-item results of one folder or URL import, with the counts a person reads first. */
public record ImportReport(int imported, int alreadyPresent, int refused, List<ImportItem> items) {

    static ImportReport of(List<ImportItem> items) {
        int imported = (int) items.stream().filter(i -> i.outcome() == ImportItem.Outcome.IMPORTED).count();
        int present = (int) items.stream().filter(i -> i.outcome() == ImportItem.Outcome.ALREADY_PRESENT).count();
        return new ImportReport(imported, present, items.size() - imported - present, List.copyOf(items));
    }
}
