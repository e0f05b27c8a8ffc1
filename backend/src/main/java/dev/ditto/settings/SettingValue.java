package dev.ditto.settings;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One setting as an admin sees it: the value in force (stored by an admin, else configured, else the default),
 * where it comes from, and who changed it last. A secret's {@code value} is never the secret: {@link #MASK} when
 * one is set, empty when none is.
 */
public record SettingValue(Setting setting, String value, Source source, @Nullable String updatedBy,
                           @Nullable Instant updatedAt) {

    /** What a set secret's value reads as. */
    public static final String MASK = "••••••";

    /** Where the value in force comes from. */
    public enum Source { ADMIN, CONFIGURATION, DEFAULT }

    /** The value for display: a secret shows as set or not set. */
    public String shown() {
        if (setting.secret()) {
            return value.isEmpty() ? "(not set)" : MASK + " (set)";
        }
        return value;
    }
}
