package dev.ditto.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-GCM encryption of secret settings: never the plaintext at rest, bound to its setting, key file owner-only. */
class SecretCipherTest {
    @TempDir Path dir;

    @Test
    void aSecretRoundTripsButIsNeverStoredAsItself() {
        SecretCipher cipher = SecretCipher.fromConfiguration(null, dir.resolve("key"));

        String stored = cipher.encrypt("agent.text.api-key", "sk-plain-secret");

        assertThat(stored).startsWith(SecretCipher.PREFIX).doesNotContain("sk-plain-secret");
        assertThat(cipher.encrypt("agent.text.api-key", "sk-plain-secret")).as("a fresh nonce each time").isNotEqualTo(stored);
        assertThat(cipher.decrypt("agent.text.api-key", stored)).isEqualTo("sk-plain-secret");
        assertThat(cipher.encrypt("agent.text.api-key", "")).as("cleared stays empty").isEmpty();
    }

    @Test
    void aStoredSecretCannotBeMovedToAnotherSettingOrAltered() {
        SecretCipher cipher = SecretCipher.fromConfiguration(null, dir.resolve("key"));
        String stored = cipher.encrypt("agent.text.api-key", "sk-plain-secret");

        assertThatThrownBy(() -> cipher.decrypt("agent.vision.api-key", stored)).hasMessageContaining("cannot be decrypted");
        String altered = stored.substring(0, stored.length() - 3) + (stored.endsWith("AAA") ? "BBB" : "AAA");
        assertThatThrownBy(() -> cipher.decrypt("agent.text.api-key", altered)).hasMessageContaining("set it again");
    }

    @Test
    void theGeneratedKeyFileIsReadableByItsOwnerOnlyAndReusedAfterARestart() throws Exception {
        Path keyFile = dir.resolve("data/settings-secret.key");
        String stored = SecretCipher.fromConfiguration(null, keyFile).encrypt("k", "v");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(SecretCipher.fromConfiguration(null, keyFile).decrypt("k", stored)).isEqualTo("v");
    }

    @Test
    void aConfiguredKeyWinsOverTheKeyFileAndMustBe32Bytes() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SecretCipher configured = SecretCipher.fromConfiguration(key, dir.resolve("unused"));

        assertThat(configured.decrypt("k", configured.encrypt("k", "v"))).isEqualTo("v");
        assertThat(dir.resolve("unused")).doesNotExist();
        assertThatThrownBy(() -> SecretCipher.fromConfiguration(Base64.getEncoder().encodeToString(new byte[16]), dir.resolve("x")))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void aPlaintextValueFromBeforeEncryptionReadsAsItIs() {
        SecretCipher cipher = SecretCipher.fromConfiguration(null, dir.resolve("key"));
        assertThat(cipher.decrypt("agent.text.api-key", "sk-legacy")).isEqualTo("sk-legacy");
    }
}
