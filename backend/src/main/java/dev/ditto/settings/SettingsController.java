package dev.ditto.settings;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import dev.ditto.web.ApiProblems;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/admin/settings}: list, change ({@code PUT /{key}} with {@code {"value": …}}) and reset
 * ({@code DELETE /{key}}) the admin settings; audited like the page. A secret is answered only as set or not set.
 */
@RestController
@RequestMapping("/api/admin/settings")
@PreAuthorize("hasRole('ADMIN')")
class SettingsController {
    private final SettingsService settings;
    private final LiveSettings live;

    SettingsController(SettingsService settings, LiveSettings live) {
        this.settings = settings;
        this.live = live;
    }

    /** One setting as the API shows it; {@code value} of a secret is the mask or empty, never the secret. */
    record Shown(String key, String property, String label, String kind, String value, boolean set, String source,
                 @Nullable String updatedBy, @Nullable Instant updatedAt, boolean inEffect) {}

    /** What is in force, per feature section: the keys it holds, what its running parts use, why not, if not. */
    record InForce(Instant appliedAt, List<Section> sections) {}

    record Section(String name, List<String> keys, List<FeatureSettings.InForce> inForce, @Nullable String error) {}

    /** A new value. */
    record NewValue(String value) {}

    @GetMapping
    Map<String, Object> list() {
        Map<Setting, Boolean> inEffect = live.inEffect();
        List<Shown> values = settings.list().stream().map(v -> shown(v, inEffect.get(v.setting()))).toList();
        LiveSettings.Status status = live.status();
        return Map.of("settings", values, "inForce", new InForce(status.appliedAt(), status.sections().stream()
                .map(s -> new Section(s.name(), s.settings().stream().map(Setting::key).toList(), s.inForce(), s.error()))
                .toList()));
    }

    @PutMapping("/{key}")
    Shown change(@PathVariable String key, @RequestBody NewValue body) {
        Setting setting = setting(key);
        SettingValue saved = settings.set(setting, body.value());
        return shown(saved, live.inEffect(setting));
    }

    @DeleteMapping("/{key}")
    Shown reset(@PathVariable String key) {
        Setting setting = setting(key);
        return shown(settings.reset(setting), live.inEffect(setting));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return ApiProblems.problemWithError(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private Setting setting(String key) {
        return settings.byKey(key).orElseThrow(() -> new IllegalArgumentException("There is no setting '" + key
                + "'; GET /api/admin/settings lists them."));
    }

    private static Shown shown(SettingValue v, boolean inEffect) {
        Setting s = v.setting();
        return new Shown(s.key(), s.property(), s.label(), s.kind().name(), v.value(), !v.value().isEmpty(), v.source().name(),
                v.updatedBy(), v.updatedAt(), inEffect);
    }
}
