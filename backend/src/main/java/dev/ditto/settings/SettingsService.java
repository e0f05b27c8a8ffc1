package dev.ditto.settings;

import dev.ditto.audit.AuditLog;
import dev.ditto.protocol.VideoFormat;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Admin-edited settings in the {@code settings} table, over the configuration file. Settings that
 * {@link Setting.Applies#NOW apply now} are read here on every use; the others are applied to the configuration
 * records at the next start by {@link StartupSettingsOverrides}.
 */
@Service
public class SettingsService {
    private final JdbcClient jdbc;
    private final Environment environment;
    private final AuditLog audit;

    SettingsService(JdbcClient jdbc, Environment environment, AuditLog audit) {
        this.jdbc = jdbc;
        this.environment = environment;
        this.audit = audit;
    }

    /** Every setting with the value in force. */
    public List<SettingValue> list() {
        Map<String, Stored> stored = stored();
        List<SettingValue> out = new ArrayList<>();
        for (Setting s : Setting.values()) {
            out.add(value(s, stored.get(s.key())));
        }
        return out;
    }

    /** The value in force for one setting. */
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
     * Stores an admin's value (audited; secrets are audited as changed, never with their value).
     *
     * @throws IllegalArgumentException an invalid value, or a normalisation format that is not a valid combination
     */
    @Transactional
    public SettingValue set(Setting setting, String rawValue) {
        String value = setting.validate(rawValue);
        if (setting.key().startsWith("sources.") && setting != Setting.MAX_UPLOAD_MB) {
            checkFormat(setting, value);
        }
        SettingValue before = get(setting);
        jdbc.sql("""
                insert into settings (key, value, updated_by, updated_at) values (:k, :v, :by, now())
                on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()""")
                .param("k", setting.key()).param("v", value).param("by", actor()).update();
        boolean secret = setting.kind() == Setting.Kind.SECRET;
        audit.record("setting.change", "setting", setting.key(),
                Map.of("value", secret ? before.shown() : before.value(), "source", before.source().name()),
                Map.of("value", secret ? (value.isEmpty() ? "" : "(set)") : value, "applies", setting.applies().name()));
        return get(setting);
    }

    /** Removes the admin's value, so the configured one applies again (audited). */
    @Transactional
    public SettingValue reset(Setting setting) {
        SettingValue before = get(setting);
        int removed = jdbc.sql("delete from settings where key = :k").param("k", setting.key()).update();
        if (removed > 0) {
            audit.record("setting.reset", "setting", setting.key(),
                    Map.of("value", setting.kind() == Setting.Kind.SECRET ? before.shown() : before.value()), null);
        }
        return get(setting);
    }

    /** Values an admin stored, by key (for start-up overrides). */
    Map<String, String> storedValues() {
        Map<String, String> out = new HashMap<>();
        stored().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    private void checkFormat(Setting changed, String value) {
        int width = Integer.parseInt(changed == Setting.FORMAT_WIDTH ? value : get(Setting.FORMAT_WIDTH).value());
        int height = Integer.parseInt(changed == Setting.FORMAT_HEIGHT ? value : get(Setting.FORMAT_HEIGHT).value());
        int frames = Integer.parseInt(changed == Setting.FORMAT_FRAMES ? value : get(Setting.FORMAT_FRAMES).value());
        int fps = Integer.parseInt(changed == Setting.FORMAT_FPS ? value : get(Setting.FORMAT_FPS).value());
        try {
            new VideoFormat(width, height, frames, fps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The normalisation format would be invalid: " + e.getMessage() + ".", e);
        }
    }

    private SettingValue value(Setting s, @Nullable Stored stored) {
        if (stored != null) {
            return new SettingValue(s, stored.value(), SettingValue.Source.ADMIN, stored.by(), stored.at().toInstant());
        }
        String configured = environment.getProperty(s.property());
        if (configured != null) {
            return new SettingValue(s, configured, SettingValue.Source.CONFIGURATION, null, null);
        }
        return new SettingValue(s, s.defaultValue(), SettingValue.Source.DEFAULT, null, null);
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
