package dev.ditto.settings;

import dev.ditto.platform.DittoProperties;
import java.nio.file.Path;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cipher for secret settings, keyed from configuration or the data folder's key file. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SettingsProperties.class)
class SettingsConfiguration {

    @Bean
    SecretCipher secretCipher(SettingsProperties properties, DittoProperties ditto) {
        Path keyFile = properties.secretKeyFile() != null ? properties.secretKeyFile()
                : ditto.dataDir().resolve("settings-secret.key");
        return SecretCipher.fromConfiguration(properties.secretKey(), keyFile);
    }
}
