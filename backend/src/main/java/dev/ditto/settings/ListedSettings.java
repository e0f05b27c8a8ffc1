package dev.ditto.settings;

import java.util.List;

/**
 * A feature's settings that it reads on every use ({@link SettingsService#get}), so that nothing needs applying: a
 * section and its definitions. A feature that holds values in memory implements {@link FeatureSettings} itself.
 */
public abstract class ListedSettings implements FeatureSettings {
    private final String section;
    private final List<Setting> settings;

    protected ListedSettings(String section, Setting... settings) {
        this.section = section;
        this.settings = List.of(settings);
    }

    @Override
    public final String section() {
        return section;
    }

    @Override
    public final List<Setting> settings() {
        return settings;
    }
}
