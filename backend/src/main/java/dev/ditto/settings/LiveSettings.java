package dev.ditto.settings;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Puts the stored settings in force without a restart: at start-up (before any worker runs), right after an admin's
 * change commits on this server, and within {@code ditto.settings.refresh-ms} of a change made on another server
 * sharing the database. Each feature applies its own ({@link FeatureSettings#apply}); a value a feature cannot
 * apply leaves that feature's previous values in force and says why in {@link #status()}, other features apply theirs.
 */
@Component
public class LiveSettings implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(LiveSettings.class);

    private final SettingsService settings;
    private final SettingsCatalog catalog;
    private final SettingsKeyCheck keyCheck;
    private final Clock clock;
    private volatile Applied applied = new Applied(Map.of(), Instant.EPOCH, Map.of());

    LiveSettings(SettingsService settings, SettingsCatalog catalog, SettingsKeyCheck keyCheck, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.keyCheck = keyCheck;
        this.clock = clock;
    }

    /** What is in force now, for the settings page: since when, and per feature what runs and why not, if not. */
    public record Status(Instant appliedAt, List<Section> sections) {

        /** The text of the in-force line with this id, if a feature shows one. */
        public Optional<String> line(String id) {
            return sections.stream().flatMap(s -> s.inForce().stream()).filter(l -> l.id().equals(id))
                    .map(FeatureSettings.InForce::text).findFirst();
        }

        /** The notes of features whose stored values could not be applied. */
        public List<String> errors() {
            return sections.stream().map(Section::error).filter(Objects::nonNull).toList();
        }
    }

    /**
     * One feature's settings: its page group, its settings in page order, what runs now, and why its stored values
     * are not in force, if not.
     */
    public record Section(String name, List<Setting> settings, List<FeatureSettings.InForce> inForce, @Nullable String error) {}

    @Override
    public void afterSingletonsInstantiated() {
        keyCheck.check(); // a server whose key the others cannot read stops here
        int encrypted = settings.encryptPlaintextSecrets();
        if (encrypted > 0) {
            log.info("{} secret setting(s) stored in clear were encrypted at rest", encrypted);
        }
        apply();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void changed(SettingsChanged change) {
        log.info("Setting {} changed; applying it now", change.setting().key());
        apply();
    }

    /** Picks up changes another server made (this one's own are applied as they commit). */
    @Scheduled(fixedDelayString = "${ditto.settings.refresh-ms:5000}", initialDelayString = "${ditto.settings.refresh-ms:5000}")
    void pickUpChangesFromOtherServers() {
        if (!settings.storedRaw().equals(applied.raw())) {
            apply();
        }
    }

    /** Applies the stored settings over the configuration, feature by feature. */
    synchronized void apply() {
        Map<String, String> raw = settings.storedRaw();
        Map<FeatureSettings, String> errors = new HashMap<>();
        for (FeatureSettings feature : catalog.features()) {
            try {
                feature.apply(settings.revealed(raw, feature.settings()));
            } catch (RuntimeException e) {
                String error = feature.notApplied(String.valueOf(e.getMessage()));
                errors.put(feature, error);
                log.warn(error);
            }
        }
        applied = new Applied(Map.copyOf(raw), clock.instant(), Map.copyOf(errors));
    }

    /** What the features run with now. */
    public Status status() {
        Applied a = applied;
        List<Section> sections = new ArrayList<>();
        for (FeatureSettings feature : catalog.features()) {
            sections.add(new Section(feature.section(), feature.settings(), List.copyOf(feature.inForce()), a.errors().get(feature)));
        }
        return new Status(a.at(), List.copyOf(sections));
    }

    /**
     * Whether {@code setting}'s stored value is the one the running server applied (false while a change made on
     * another server has not been picked up yet, or when its feature could not apply it).
     */
    public boolean inEffect(Setting setting) {
        return inEffect().getOrDefault(setting, false);
    }

    /** Every setting's {@link #inEffect} at once (one read of the table). */
    public Map<Setting, Boolean> inEffect() {
        Applied a = applied;
        Map<String, String> now = settings.storedRaw();
        Map<Setting, Boolean> out = new HashMap<>();
        for (FeatureSettings feature : catalog.features()) {
            boolean failed = a.errors().containsKey(feature);
            for (Setting s : feature.settings()) {
                out.put(s, !failed && Objects.equals(a.raw().get(s.key()), now.get(s.key())));
            }
        }
        return out;
    }

    private record Applied(Map<String, String> raw, Instant at, Map<FeatureSettings, String> errors) {}
}
