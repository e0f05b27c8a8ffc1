package dev.ditto.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.audit.AuditLog;
import dev.ditto.campaigns.AgentSettings;
import dev.ditto.imports.ImportSettings;
import dev.ditto.sources.SourceSettings;
import dev.ditto.testing.DittoIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Admin settings in the real PostgreSQL: stored over the configuration, validated (by the generic kinds and by the
 * features' own checks), audited. Laying them over the configuration records is the features' (AgentSettingsTest,
 * SourceSettingsTest).
 */
@DittoIntegrationTest
class AdminSettingsIT {
    @Autowired SettingsService settings;
    @Autowired AuditLog audit;

    @AfterEach
    void cleanUp() {
        for (Setting s : settings.all()) {
            settings.reset(s);
        }
        SecurityContextHolder.clearContext();
    }

    @Test
    void anAdminsValueOverridesTheConfiguredOneAndIsAudited() {
        signedInAs("admin");
        assertThat(settings.get(ImportSettings.IMPORT_MAX_DOWNLOAD_MB).source()).isEqualTo(SettingValue.Source.DEFAULT);

        SettingValue changed = settings.set(ImportSettings.IMPORT_MAX_DOWNLOAD_MB, " 64 ");

        assertThat(changed.value()).isEqualTo("64");
        assertThat(changed.source()).isEqualTo(SettingValue.Source.ADMIN);
        assertThat(changed.updatedBy()).isEqualTo("admin");
        assertThat(settings.longValue(ImportSettings.IMPORT_MAX_DOWNLOAD_MB)).isEqualTo(64);
        assertThat(audit.recent(5, 0)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("setting.change");
            assertThat(e.entityId()).isEqualTo("imports.max-download-mb");
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.after()).contains("64").contains("NOW");
        });

        SettingValue reset = settings.reset(ImportSettings.IMPORT_MAX_DOWNLOAD_MB);
        assertThat(reset.source()).isEqualTo(SettingValue.Source.DEFAULT);
        assertThat(reset.value()).isEqualTo("2048");
    }

    @Test
    void theConfiguredValueShowsWhenNoAdminChangedIt() {
        // the shared test configuration sets ditto.demo.enabled etc., not this one, so the admin password proves the path
        SettingValue format = settings.get(SourceSettings.FORMAT_FRAMES);
        assertThat(format.value()).isEqualTo("73");
    }

    @Test
    void invalidValuesAndFormatsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> settings.set(AgentSettings.JUDGE_MIN_OVERALL, "1.5")).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> settings.set(AgentSettings.TEXT_BASE_URL, "file:///etc")).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> settings.set(SourceSettings.FORMAT_FRAMES, "72")).hasMessageContaining("4n+1");
        assertThatThrownBy(() -> settings.set(SourceSettings.FORMAT_WIDTH, "830")).hasMessageContaining("multiples of 16");
        assertThatThrownBy(() -> settings.set(AgentSettings.TEXT_PROVIDER, "mystery")).hasMessageContaining("openai-compatible");
        assertThat(settings.get(SourceSettings.FORMAT_FRAMES).source()).isNotEqualTo(SettingValue.Source.ADMIN);
    }

    @Test
    void secretsAreNeverShownOrAuditedInClear() {
        signedInAs("admin");
        SettingValue key = settings.set(AgentSettings.TEXT_API_KEY, "sk-very-secret");

        assertThat(key.shown()).doesNotContain("sk-very-secret").contains("set");
        assertThat(audit.recent(5, 0)).noneSatisfy(e -> assertThat(String.valueOf(e.after())).contains("sk-very-secret"));
    }

    private static void signedInAs(String name) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(name, "n/a",
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }
}
