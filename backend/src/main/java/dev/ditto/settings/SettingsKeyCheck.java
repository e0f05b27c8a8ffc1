package dev.ditto.settings;

import dev.ditto.audit.AuditLog;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every server sharing a database must encrypt secret settings with the same key, which is never in the database
 * (it protects what is there): each one is given it ({@code ditto.settings.secret-key}) or finds it in its data
 * folder. The database holds a probe, a fixed text encrypted with the key of the first server that started; a server
 * whose key cannot read it does not start (an API key saved on it could not be read by the others, and it could not
 * read theirs), and says how to fix it. Where the key is lost for good, {@code ditto.settings.replace-lost-key=true}
 * clears the secret settings nobody can read any more and makes this server's key the one.
 */
@Component
class SettingsKeyCheck {
    private static final Logger log = LoggerFactory.getLogger(SettingsKeyCheck.class);
    static final String PROBE_KEY = "settings.key-check";
    static final String PROBE_TEXT = "ditto settings key check v1";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final SecretCipher cipher;
    private final boolean replaceLostKey;

    SettingsKeyCheck(JdbcClient jdbc, AuditLog audit, SecretCipher cipher, SettingsProperties properties) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.cipher = cipher;
        this.replaceLostKey = properties.replaceLostKey();
    }

    /**
     * Records this server's key as the one when none is recorded yet, else checks it is the recorded one.
     *
     * @throws IllegalStateException this server's key is not the one the others use
     */
    @Transactional
    void check() {
        jdbc.sql("insert into settings_key_check (probe) values (:p) on conflict do nothing")
                .param("p", cipher.encrypt(PROBE_KEY, PROBE_TEXT)).update();
        String probe = jdbc.sql("select probe from settings_key_check for update").query(String.class).single();
        if (readable(probe)) {
            return;
        }
        if (!replaceLostKey) {
            throw new IllegalStateException("This server's settings key is not the one the other servers sharing this "
                    + "database use (the first one to start recorded its key's probe): API keys saved in Settings on one "
                    + "could not be read by the other. Give every server the same ditto.settings.secret-key (base64 of 32 "
                    + "bytes; a server without it uses <data-dir>/settings-secret.key, so copy that file's content). "
                    + "If no server has the old key any more, start this one once with "
                    + "ditto.settings.replace-lost-key=true: the secret settings saved with the lost key are cleared "
                    + "(set them again) and this server's key becomes the one. See docs/replicas.md.");
        }
        // every value stored encrypted is a secret setting's (only those are encrypted), whichever feature owns it
        int cleared = jdbc.sql("delete from settings where value like :enc")
                .param("enc", SecretCipher.PREFIX + "%").update();
        jdbc.sql("update settings_key_check set probe = :p, created_at = now()")
                .param("p", cipher.encrypt(PROBE_KEY, PROBE_TEXT)).update();
        audit.record("settings.key.replace", "setting", PROBE_KEY, null, Map.of("clearedSecrets", cleared));
        log.warn("The settings key was replaced by this server's (ditto.settings.replace-lost-key): {} secret setting(s) "
                + "saved with the lost key were cleared; set them again in Settings", cleared);
    }

    private boolean readable(String probe) {
        try {
            return PROBE_TEXT.equals(cipher.decrypt(PROBE_KEY, probe));
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
