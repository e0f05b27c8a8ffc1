package dev.ditto.settings;

/** An admin changed or reset {@code setting}; published inside the transaction, acted on after it commits. */
record SettingsChanged(Setting setting) {}
