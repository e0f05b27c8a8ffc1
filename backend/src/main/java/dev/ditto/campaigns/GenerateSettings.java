package dev.ditto.campaigns;

import dev.ditto.protocol.BackendSettings;
import dev.ditto.settings.FeatureSettings;
import dev.ditto.settings.Setting;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The GENERATE backend settings an admin may change ({@code generate.backend-settings}, docs/comfyui.md): stored in
 * one normal form, put in force at once in {@link GenerateBackendSettings} for the next jobs queued.
 */
@Component
@Order(40)
public class GenerateSettings implements FeatureSettings {
    private static final Logger log = LoggerFactory.getLogger(GenerateSettings.class);

    public static final Setting GENERATE_BACKEND = Setting.of("generate.backend-settings",
            "GENERATE on ComfyUI: settings sent with every new job (key=value; …: route, STAGE.model files, steps; see docs/comfyui.md)",
            Setting.Kind.KEY_VALUES, "", GenerateSettings::keyValues);

    private final GenerateBackendSettings generate;
    private final String configured;

    GenerateSettings(GenerateBackendSettings generate, @Value("${ditto.generate.backend-settings:}") String configured) {
        this.generate = generate;
        this.configured = configured;
    }

    @Override
    public String section() {
        return "GENERATE backend";
    }

    @Override
    public List<Setting> settings() {
        return List.of(GENERATE_BACKEND);
    }

    @Override
    public void apply(Map<String, String> stored) {
        String before = generate.describe();
        generate.apply(stored.getOrDefault(GENERATE_BACKEND.key(), configured));
        if (!before.equals(generate.describe())) {
            log.info("GENERATE backend settings in force: {}", generate.describe().isEmpty() ? "none (runners use their own options)"
                    : generate.describe());
        }
    }

    @Override
    public List<InForce> inForce() {
        return List.of(new InForce("in-force-generate", "GENERATE backend settings: "
                + (generate.describe().isEmpty() ? "none (runners use their own options)" : generate.describe())));
    }

    private static String keyValues(String label, String value) {
        if (value.length() > 4000) {
            throw new IllegalArgumentException(label + " is too long (4000 characters at most).");
        }
        try {
            return BackendSettings.format(BackendSettings.parse(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label + ": " + e.getMessage() + ".", e);
        }
    }
}
