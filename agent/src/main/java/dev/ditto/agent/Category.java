package dev.ditto.agent;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The edit taxonomy of Ditto-1M-style data: two global categories and five local ones. */
public enum Category {
    GLOBAL_STYLE(true, false),
    GLOBAL_FREEFORM(true, false),
    LOCAL_ATTRIBUTE(false, true),
    LOCAL_ADD(false, false),
    LOCAL_REMOVE(false, true),
    LOCAL_REPLACE(false, true),
    BACKGROUND(false, true);

    private final boolean global;
    private final boolean needsPeople;

    Category(boolean global, boolean needsPeople) {
        this.global = global;
        this.needsPeople = needsPeople;
    }

    /** Whether the edit changes the whole frame rather than a region. */
    public boolean isGlobal() {
        return global;
    }

    /** Whether every operator of this category acts on the person segmentation mask. */
    public boolean needsPeople() {
        return needsPeople;
    }

    /** The lower-case name used in JSON, CSV and prompts, e.g. {@code local_remove}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name or enum name, ignoring case, spaces and dashes. */
    public static Optional<Category> parse(String text) {
        String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        return Arrays.stream(values()).filter(c -> c.name().equals(key)).findFirst();
    }
}
