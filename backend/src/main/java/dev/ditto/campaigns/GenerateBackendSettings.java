package dev.ditto.campaigns;

import dev.ditto.protocol.BackendSettings;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The model-server settings sent with every new GENERATE job ({@code GeneratePayload.backendSettings}): from
 * {@code ditto.generate.backend-settings}, replaced at once when an admin saves the setting of the same name. A
 * regeneration repeats the settings its original job carried, not the current ones.
 */
@Component
public class GenerateBackendSettings {
    private volatile Map<String, String> current;

    GenerateBackendSettings(@Value("${ditto.generate.backend-settings:}") String configured) {
        this.current = BackendSettings.parse(configured);
    }

    /** The settings for a job being queued now; null when there are none (the runner uses its own options). */
    public @Nullable Map<String, String> forNewJob() {
        Map<String, String> c = current;
        return c.isEmpty() ? null : c;
    }

    /** Puts {@code text} in force (already validated); empty: none. */
    public void apply(String text) {
        current = BackendSettings.parse(text);
    }

    /** What is in force, as text. */
    public String describe() {
        return BackendSettings.format(current);
    }
}
