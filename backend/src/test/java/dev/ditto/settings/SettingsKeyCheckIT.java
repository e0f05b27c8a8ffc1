package dev.ditto.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.ditto.audit.AuditLog;
import dev.ditto.testing.DittoIntegrationTest;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A second server on this database with a settings key of its own (another data folder, no
 * {@code ditto.settings.secret-key}): it does not start, unless asked to replace a lost key, which clears the secrets
 * nobody can read any more.
 */
@DittoIntegrationTest
class SettingsKeyCheckIT {
    @Autowired JdbcClient jdbc;
    @Autowired AuditLog audit;
    @Autowired SecretCipher cipher;

    @AfterEach
    void thisServersKeyIsTheOneAgain() {
        jdbc.sql("delete from settings").update();
        server(cipher, true).check();
    }

    @Test
    void aServerWithAnotherKeyDoesNotStartAndOneWithTheSameKeyDoes() {
        assertThat(jdbc.sql("select count(*) from settings_key_check").query(Long.class).single())
                .as("recorded by the server that started").isEqualTo(1);

        assertThatThrownBy(() -> server(anotherKey(), false).check())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the one the other servers sharing this database use")
                .hasMessageContaining("ditto.settings.secret-key")
                .hasMessageContaining("ditto.settings.replace-lost-key");
        assertThatNoException().as("a server with the same key").isThrownBy(() -> server(cipher, false).check());
    }

    @Test
    void aLostKeyIsReplacedOnlyWhenAskedAndOnlyTheSecretsSavedWithItAreCleared() {
        jdbc.sql("insert into settings (key, value, updated_by) values (:k, :v, 'admin')")
                .param("k", dev.ditto.campaigns.AgentSettings.TEXT_API_KEY.key()).param("v", cipher.encrypt(dev.ditto.campaigns.AgentSettings.TEXT_API_KEY.key(), "sk-old")).update();
        jdbc.sql("insert into settings (key, value, updated_by) values (:k, '64', 'admin')")
                .param("k", dev.ditto.imports.ImportSettings.IMPORT_MAX_DOWNLOAD_MB.key()).update();
        SecretCipher replacement = anotherKey();

        server(replacement, true).check();

        assertThat(jdbc.sql("select key from settings").query(String.class).list())
                .containsExactly(dev.ditto.imports.ImportSettings.IMPORT_MAX_DOWNLOAD_MB.key());
        assertThatNoException().isThrownBy(() -> server(replacement, false).check());
        assertThatThrownBy(() -> server(cipher, false).check()).as("the old key is not the one any more")
                .isInstanceOf(IllegalStateException.class);
        assertThat(audit.recent(5, 0)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("settings.key.replace");
            assertThat(e.after()).containsIgnoringWhitespaces("\"clearedSecrets\":1");
        });
    }

    private SettingsKeyCheck server(SecretCipher key, boolean replaceLostKey) {
        return new SettingsKeyCheck(jdbc, audit, key, new SettingsProperties(null, null, 5000, replaceLostKey));
    }

    private static SecretCipher anotherKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretCipher(key);
    }
}
