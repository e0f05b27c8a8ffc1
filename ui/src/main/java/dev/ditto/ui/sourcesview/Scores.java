package dev.ditto.ui.sourcesview;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The probe scores the gallery shows and filters on, in display order, with their labels. */
enum Scores {
    MOTION("motion", "Motion"),
    BRISQUE("brisque", "BRISQUE"),
    PEOPLE("people", "People"),
    FACES("faces", "Faces"),
    TEXT_OVERLAY("text_overlay", "Text overlay");

    final String key;
    final String label;

    Scores(String key, String label) {
        this.key = key;
        this.label = label;
    }

    static List<Scores> all() {
        return List.of(values());
    }

    static String format(@Nullable Double value) {
        if (value == null) {
            return "–";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    String testKey() {
        return key.replace('_', '-');
    }
}
