package dev.ditto.settings;

import dev.ditto.audit.AuditLog;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Admin-edited settings in the {@code settings} table, over the configuration file; the settings themselves are the
 * features' ({@link FeatureSettings}, gathered by {@link SettingsCatalog}). Features that read a setting on every use
 * call {@link #get}; every change is announced ({@link SettingsChanged}) so {@link LiveSettings} puts it in force at
 * once in the features that hold theirs in memory. Secrets are stored encrypted ({@link SecretCipher}) and never leave this
 * class in clear except towards {@link LiveSettings}.
 */
@Service
public class SettingsService {
    private static final Logger log = LoggerFactory.getLogger(SettingsService.class);

    private final JdbcClient jdbc;
    private final Environment environment;
    private final AuditLog audit;
    private final SecretCipher cipher;
    private final ApplicationEventPublisher events;
    private final SettingsCatalog catalog;

    SettingsService(JdbcClient jdbc, Environment environment, AuditLog audit, SecretCipher cipher,
                    ApplicationEventPublisher events, SettingsCatalog catalog) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.environment = environment;
        this.audit = audit;
        this.cipher = cipher;
        this.events = events;
    }

    /** Every setting the features defined, in page order. */
    public List<Setting> all() {
        return catalog.all();
    }

    /** The setting with this key, if a feature defined one. */
    public Optional<Setting> byKey(String key) {
        return catalog.byKey(key);
    }

    /** Every setting with the value in force (secrets masked). */
    public List<SettingValue> list() {
        Map<String, Stored> stored = stored();
        List<SettingValue> out = new ArrayList<>();
        for (Setting s : catalog.all()) {
            out.add(value(s, stored.get(s.key())));
        }
        return out;
    }

    /** The value in force for one setting (a secret masked). */
    public SettingValue get(Setting setting) {
        Optional<Stored> stored = jdbc.sql("select value, updated_by, updated_at from settings where key = :k")
                .param("k", setting.key()).query(SettingsService::storedRow).optional();
        return value(setting, stored.orElse(null));
    }

    /** The value in force as a whole number (for {@link Setting.Kind#INTEGER} settings). */
    public long longValue(Setting setting) {
        return Long.parseLong(get(setting).value());
    }

    /**
     * Stores an admin's value (audited; secrets are stored encrypted and audited as set or cleared, never with
     * their value). An empty secret clears it: no key is sent, even if the configuration file has one.
     *
     * @throws IllegalArgumentException an invalid value, or a normalisation format that is not a valid combination
     */
    @Transactional
    public SettingValue set(Setting setting, String rawValue) {
        FeatureSettings owner = catalog.owner(setting);
        String value = setting.validate(rawValue);
        owner.checkTogether(setting, value, s -> get(s).value());
        SettingValue before = get(setting);
        boolean secret = setting.secret();
        jdbc.sql("""
                insert into settings (key, value, updated_by, updated_at) values (:k, :v, :by, now())
                on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()""")
                .param("k", setting.key()).param("v", secret ? cipher.encrypt(setting.key(), value) : value)
                .param("by", actor()).update();
        audit.record("setting.change", "setting", setting.key(),
                Map.of("value", before.shown(), "source", before.source().name()),
                Map.of("value", secret ? (value.isEmpty() ? "(cleared)" : "(set)") : value, "applies", setting.applies().name()));
        events.publishEvent(new SettingsChanged(setting));
        return get(setting);
    }

    /** Removes the admin's value, so the configured one applies again (audited). */
    @Transactional
    public SettingValue reset(Setting setting) {
        SettingValue before = get(setting);
        int removed = jdbc.sql("delete from settings where key = :k").param("k", setting.key()).update();
        if (removed > 0) {
            audit.record("setting.reset", "setting", setting.key(), Map.of("value", before.shown()), null);
            events.publishEvent(new SettingsChanged(setting));
        }
        return get(setting);
    }

    /**
     * The value an admin stored for {@code setting}, a secret decrypted, or empty when none is stored (the
     * configuration applies): for the server's own use, such as a publisher's token, never for display.
     */
    public Optional<String> storedValue(Setting setting) {
        return jdbc.sql("select value from settings where key = :k").param("k", setting.key()).query(String.class)
                .optional().map(v -> reveal(setting.key(), v));
    }

    /** Values an admin stored, by key, secrets decrypted: for {@link LiveSettings} only, never for display. */
    Map<String, String> storedValues() {
        Map<String, String> out = new HashMap<>();
        stored().forEach((k, v) -> out.put(k, reveal(k, v.value())));
        return out;
    }

    /** Of the values {@code raw} as stored, those of {@code settings}, secrets decrypted: for {@link LiveSettings} only. */
    Map<String, String> revealed(Map<String, String> raw, List<Setting> settings) {
        Map<String, String> out = new HashMap<>();
        for (Setting s : settings) {
            String v = raw.get(s.key());
            if (v != null) {
                out.put(s.key(), s.secret() ? cipher.decrypt(s.key(), v) : v);
            }
        }
        return out;
    }

    /** Values as stored (secrets still encrypted), by key: what {@link LiveSettings} compares to see a change. */
    Map<String, String> storedRaw() {
        Map<String, String> out = new HashMap<>();
        stored().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /**
     * Encrypts secret rows stored in clear by servers from before encryption at rest; returns how many. Their
     * names are logged, never their values.
     */
    @Transactional
    int encryptPlaintextSecrets() {
        int n = 0;
        for (Setting s : catalog.all()) {
            if (!s.secret()) {
                continue;
            }
            Optional<String> plain = jdbc.sql("select value from settings where key = :k for update")
                    .param("k", s.key()).query(String.class).optional()
                    .filter(v -> !v.isEmpty() && !SecretCipher.isEncrypted(v));
            if (plain.isPresent()) {
                jdbc.sql("update settings set value = :v where key = :k")
                        .param("v", cipher.encrypt(s.key(), plain.get())).param("k", s.key()).update();
                audit.record("setting.encrypt", "setting", s.key(), null, Map.of("value", "(encrypted at rest)"));
                log.info("Setting {} was stored in clear; it is now encrypted at rest", s.key());
                n++;
            }
        }
        return n;
    }

    private String reveal(String key, String stored) {
        return catalog.byKey(key).filter(Setting::secret).isPresent() ? cipher.decrypt(key, stored) : stored;
    }

    private SettingValue value(Setting s, @Nullable Stored stored) {
        if (stored != null) {
            return new SettingValue(s, masked(s, stored.value()), SettingValue.Source.ADMIN, stored.by(), stored.at().toInstant());
        }
        String configured = environment.getProperty(s.property());
        if (configured != null) {
            return new SettingValue(s, masked(s, configured), SettingValue.Source.CONFIGURATION, null, null);
        }
        return new SettingValue(s, s.defaultValue(), SettingValue.Source.DEFAULT, null, null);
    }

    /** A secret's value never leaves: only whether one is set. */
    private static String masked(Setting s, String value) {
        return !s.secret() || value.isEmpty() ? value : SettingValue.MASK;
    }

    private Map<String, Stored> stored() {
        Map<String, Stored> out = new HashMap<>();
        jdbc.sql("select key, value, updated_by, updated_at from settings")
                .query((rs, i) -> Map.entry(rs.getString(1), new Stored(rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class))))
                .list().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Stored storedRow(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Stored(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class));
    }

    private static String actor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    private record Stored(String value, String by, OffsetDateTime at) {}
}
