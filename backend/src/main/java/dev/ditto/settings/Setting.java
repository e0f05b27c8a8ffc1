package dev.ditto.settings;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One setting an admin may change, defined by the feature that owns it (through its {@link FeatureSettings} bean):
 * named after the configuration property it overrides ({@code ditto.<key>}), with a label, a kind (what values it
 * takes, how the page shows it), the default that applies when neither the file nor an admin set it, when a change
 * takes effect, and the check that cleans a value up or says what a valid one looks like. The generic kinds are
 * checked here; a kind that means something only to its feature ({@link Kind#needsCheck()}) needs the feature's
 * check. Two settings are the same when their keys are.
 */
public final class Setting {

    /**
     * What values a setting takes; the name is what the REST API answers as {@code kind}. A SECRET is stored
     * encrypted and never shown. The kinds whose {@link #needsCheck()} is true are checked by the owning feature.
     */
    public enum Kind {
        TEXT, SECRET, URL, INTEGER, FRACTION, OPTIONAL_FRACTION, LIMIT, PROVIDER(true), KEY_VALUES(true), CRITERIA(true),
        DISTANCE(true), CATEGORIES(true);

        private final boolean needsCheck;

        Kind() {
            this(false);
        }

        Kind(boolean needsCheck) {
            this.needsCheck = needsCheck;
        }

        /** Whether only the owning feature knows what a valid value is (a definition must bring its {@link Check}). */
        public boolean needsCheck() {
            return needsCheck;
        }
    }

    /** When a change takes effect: every setting applies at once today; RESTART is kept for one that cannot. */
    public enum Applies { NOW, RESTART }

    /** Cleans up a stripped value, or throws {@link IllegalArgumentException} whose message says what a valid one looks like. */
    @FunctionalInterface
    public interface Check {
        String normalise(String label, String value);
    }

    private final String key;
    private final String label;
    private final Kind kind;
    private final String defaultValue;
    private final Applies applies;
    private final @Nullable Check check;

    private Setting(String key, String label, Kind kind, String defaultValue, Applies applies, @Nullable Check check) {
        if (kind.needsCheck() && check == null) {
            throw new IllegalArgumentException("Setting " + key + " of kind " + kind + " needs its feature's check");
        }
        this.key = key;
        this.label = label;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.applies = applies;
        this.check = check;
    }

    /** A setting of a generic kind, checked here, in force at once. */
    public static Setting of(String key, String label, Kind kind, String defaultValue) {
        return new Setting(key, label, kind, defaultValue, Applies.NOW, null);
    }

    /** A setting whose values {@code check} cleans up after the generic check of its kind, in force at once. */
    public static Setting of(String key, String label, Kind kind, String defaultValue, Check check) {
        return new Setting(key, label, kind, defaultValue, Applies.NOW, check);
    }

    public String key() {
        return key;
    }

    /** The configuration property this setting overrides. */
    public String property() {
        return "ditto." + key;
    }

    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public Applies applies() {
        return applies;
    }

    public boolean secret() {
        return kind == Kind.SECRET;
    }

    /** The value cleaned up, or an exception whose message says what a valid value looks like. */
    public String validate(String raw) {
        String value = generic(raw.strip());
        return check == null ? value : check.normalise(label, value);
    }

    private String generic(String value) {
        switch (kind) {
            case INTEGER -> {
                try {
                    long n = Long.parseLong(value);
                    if (n < 1 || n > 1_000_000) {
                        throw new IllegalArgumentException(label + " must be between 1 and 1000000.");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(label + " must be a whole number, not '" + value + "'.", e);
                }
            }
            case FRACTION -> {
                try {
                    double d = Double.parseDouble(value);
                    if (!(d >= 0 && d <= 1)) {
                        throw new IllegalArgumentException(label + " must be between 0 and 1.");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(label + " must be a number between 0 and 1, not '" + value + "'.", e);
                }
            }
            case OPTIONAL_FRACTION -> {
                if (!value.isEmpty()) {
                    try {
                        double d = Double.parseDouble(value);
                        if (!(d >= 0 && d <= 1)) {
                            throw new IllegalArgumentException(label + " must be between 0 and 1, or empty for off.");
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(label + " must be a number between 0 and 1, or empty for off; not '"
                                + value + "'.", e);
                    }
                }
            }
            case LIMIT -> {
                if (!value.isEmpty()) {
                    try {
                        double d = Double.parseDouble(value);
                        if (!(d >= 0 && d <= 1_000_000)) {
                            throw new IllegalArgumentException(label + " must be a number from 0 to 1000000, or empty for off.");
                        }
                        return String.valueOf(d);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(label + " must be a number, or empty for off; not '" + value + "'.", e);
                    }
                }
            }
            case URL -> {
                if (!value.isEmpty()) {
                    try {
                        URI uri = new URI(value);
                        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                            throw new IllegalArgumentException(label + " must be an http(s) URL such as http://127.0.0.1:8000/v1.");
                        }
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalArgumentException(label + " is not a valid URL: " + e.getReason() + ".", e);
                    }
                }
            }
            case TEXT, SECRET -> {
                if (value.length() > 500) {
                    throw new IllegalArgumentException(label + " is too long (500 characters at most).");
                }
            }
            case PROVIDER, KEY_VALUES, CRITERIA, DISTANCE, CATEGORIES -> {
                // the feature's check
            }
        }
        return value;
    }

    /** The definition among {@code settings} with this key. */
    public static Optional<Setting> byKey(Iterable<Setting> settings, String key) {
        for (Setting s : settings) {
            if (s.key.equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Setting s && s.key.equals(key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key);
    }

    @Override
    public String toString() {
        return key;
    }
}
