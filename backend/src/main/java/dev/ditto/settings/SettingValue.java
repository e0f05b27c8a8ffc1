package dev.ditto.settings;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One setting as an admin sees it: the value in force (stored by an admin, else configured, else the default),
 * where it comes from, and who changed it last. Secrets are never shown, only whether one is set.
 */
public record SettingValue(Setting setting, String value, Source source, @Nullable String updatedBy,
                           @Nullable Instant updatedAt) {

    /** Where the value in force comes from. */
    public enum Source { ADMIN, CONFIGURATION, DEFAULT }

    /** The value for display: a secret shows as set or not set. */
    public String shown() {
        if (setting.kind() == Setting.Kind.SECRET) {
            return value.isEmpty() ? "" : "•••••• (set)";
        }
        return value;
    }
}
