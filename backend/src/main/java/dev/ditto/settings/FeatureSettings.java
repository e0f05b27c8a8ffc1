package dev.ditto.settings;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a feature contributes to the settings an admin may change: a bean in the feature's package implements this
 * (ordered with {@link org.springframework.core.annotation.Order}: the page shows sections in that order), defines its
 * {@link Setting}s and, for those it holds in memory, puts the stored values in force. This package knows no feature:
 * it stores, validates, encrypts, audits and announces; the feature knows what a value means.
 */
public interface FeatureSettings {

    /** The page group these settings are shown under, such as "Agent" or "Ingest". */
    String section();

    /** The definitions, in the order the page shows them; keys are unique across all features. */
    List<Setting> settings();

    /**
     * Puts in force the values an admin stored for this feature's settings, by key (secrets decrypted; a key absent:
     * the configured value applies), laid over the configuration. Called at start-up, after each change commits and
     * when another server changed one. A value that cannot be applied throws with the reason: the previous values stay
     * in force and {@link LiveSettings#status()} shows {@link #notApplied}. Features that read their settings on every
     * use ({@link SettingsService#get}) leave this as is.
     */
    default void apply(Map<String, String> stored) {}

    /** What runs now, for the settings page (a line each, with a stable id for tests), read from the running parts. */
    default List<InForce> inForce() {
        return List.of();
    }

    /**
     * Checks {@code value} for {@code changed} together with this feature's other values in force ({@code current}),
     * such as a format whose parts must fit each other; throws {@link IllegalArgumentException} with the reason.
     */
    default void checkTogether(Setting changed, String value, Function<Setting, String> current) {}

    /** The note the settings page shows when applying failed with {@code reason}. */
    default String notApplied(String reason) {
        return "The " + section() + " settings could not be applied (" + reason + "); the previous ones stay in force.";
    }

    /** One line of what is in force, with its test id. */
    record InForce(String id, String text) {}
}
