package dev.ditto.settings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The {@link FeatureSettings} beans the features registered, looked up on first use (a feature's settings bean may
 * depend on services that read settings themselves), and every setting by key.
 */
@Component
public class SettingsCatalog {
    private final ObjectProvider<FeatureSettings> provider;
    private volatile @Nullable Catalog catalog;

    SettingsCatalog(ObjectProvider<FeatureSettings> provider) {
        this.provider = provider;
    }

    /** The features, in page order. */
    public List<FeatureSettings> features() {
        return catalog().features();
    }

    /** Every setting, feature by feature in page order. */
    public List<Setting> all() {
        return catalog().all();
    }

    public Optional<Setting> byKey(String key) {
        return Optional.ofNullable(catalog().byKey().get(key));
    }

    /** The feature that defined {@code setting}. */
    public FeatureSettings owner(Setting setting) {
        FeatureSettings owner = catalog().owners().get(setting.key());
        if (owner == null) {
            throw new IllegalArgumentException("There is no setting '" + setting.key() + "'; GET /api/admin/settings lists them.");
        }
        return owner;
    }

    private Catalog catalog() {
        Catalog c = catalog;
        if (c == null) {
            synchronized (this) {
                c = catalog;
                if (c == null) {
                    c = Catalog.of(provider.orderedStream().toList());
                    catalog = c;
                }
            }
        }
        return c;
    }

    private record Catalog(List<FeatureSettings> features, List<Setting> all, Map<String, Setting> byKey,
                           Map<String, FeatureSettings> owners) {
        static Catalog of(List<FeatureSettings> features) {
            List<Setting> all = new ArrayList<>();
            Map<String, Setting> byKey = new HashMap<>();
            Map<String, FeatureSettings> owners = new HashMap<>();
            for (FeatureSettings f : features) {
                for (Setting s : f.settings()) {
                    FeatureSettings before = owners.putIfAbsent(s.key(), f);
                    if (before != null) {
                        throw new IllegalStateException("Setting " + s.key() + " is defined by both " + before.getClass().getName()
                                + " and " + f.getClass().getName());
                    }
                    all.add(s);
                    byKey.put(s.key(), s);
                }
            }
            return new Catalog(List.copyOf(features), List.copyOf(all), Map.copyOf(byKey), Map.copyOf(owners));
        }
    }
}
