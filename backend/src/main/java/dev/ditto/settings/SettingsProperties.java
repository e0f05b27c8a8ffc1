package dev.ditto.settings;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.settings.*}: the key that encrypts secret settings at rest (base64 of 32 bytes; unset → a key file,
 * {@code <data-dir>/settings-secret.key} unless {@code secret-key-file} names another, generated with permissions
 * 600), how often a server looks for changes another server made, and whether this server's key replaces a lost
 * one ({@link SettingsKeyCheck}).
 */
@ConfigurationProperties("ditto.settings")
public record SettingsProperties(@Nullable String secretKey, @Nullable Path secretKeyFile,
                                 @DefaultValue("5000") long refreshMs, @DefaultValue("false") boolean replaceLostKey) {

    @Override
    public String toString() {
        return "SettingsProperties[secretKey=" + (secretKey == null ? "unset" : "(set)") + ", secretKeyFile="
                + secretKeyFile + ", refreshMs=" + refreshMs + ", replaceLostKey=" + replaceLostKey + "]";
    }
}
