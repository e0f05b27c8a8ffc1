package dev.ditto.hub;

import dev.ditto.settings.ListedSettings;
import dev.ditto.settings.Setting;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The Hugging Face Hub target an admin may change; {@link HubPublisher} reads it when a publication starts. */
@Component
@Order(70)
public class HubSettings extends ListedSettings {
    public static final Setting HUB_ENDPOINT = Setting.of("hub.endpoint",
            "Hugging Face Hub: endpoint (publications started from now on)", Setting.Kind.URL, "https://huggingface.co");
    public static final Setting HUB_TOKEN = Setting.of("hub.token",
            "Hugging Face Hub: token with write access (empty here = none; unset = ditto.hub.token or HF_TOKEN)",
            Setting.Kind.SECRET, "");

    HubSettings() {
        super("Hugging Face Hub", HUB_ENDPOINT, HUB_TOKEN);
    }
}
