package dev.ditto.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.audit.AuditLog;
import dev.ditto.campaigns.AgentProperties;
import dev.ditto.sources.SourceProperties;
import dev.ditto.testing.DittoIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/** Admin settings in the real PostgreSQL: stored over the configuration, validated, audited, and laid over the configuration records. */
@DittoIntegrationTest
class AdminSettingsIT {
    @Autowired SettingsService settings;
    @Autowired AuditLog audit;

    @AfterEach
    void cleanUp() {
        for (Setting s : Setting.values()) {
            settings.reset(s);
        }
        SecurityContextHolder.clearContext();
    }

    @Test
    void anAdminsValueOverridesTheConfiguredOneAndIsAudited() {
        signedInAs("admin");
        assertThat(settings.get(Setting.IMPORT_MAX_DOWNLOAD_MB).source()).isEqualTo(SettingValue.Source.DEFAULT);

        SettingValue changed = settings.set(Setting.IMPORT_MAX_DOWNLOAD_MB, " 64 ");

        assertThat(changed.value()).isEqualTo("64");
        assertThat(changed.source()).isEqualTo(SettingValue.Source.ADMIN);
        assertThat(changed.updatedBy()).isEqualTo("admin");
        assertThat(settings.longValue(Setting.IMPORT_MAX_DOWNLOAD_MB)).isEqualTo(64);
        assertThat(audit.recent(5, 0)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("setting.change");
            assertThat(e.entityId()).isEqualTo("imports.max-download-mb");
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.after()).contains("64").contains("NOW");
        });

        SettingValue reset = settings.reset(Setting.IMPORT_MAX_DOWNLOAD_MB);
        assertThat(reset.source()).isEqualTo(SettingValue.Source.DEFAULT);
        assertThat(reset.value()).isEqualTo("2048");
    }

    @Test
    void theConfiguredValueShowsWhenNoAdminChangedIt() {
        // the shared test configuration sets ditto.demo.enabled etc., not this one, so the admin password proves the path
        SettingValue format = settings.get(Setting.FORMAT_FRAMES);
        assertThat(format.value()).isEqualTo("73");
    }

    @Test
    void invalidValuesAndFormatsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> settings.set(Setting.JUDGE_MIN_OVERALL, "1.5")).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> settings.set(Setting.TEXT_BASE_URL, "file:///etc")).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> settings.set(Setting.FORMAT_FRAMES, "72")).hasMessageContaining("4n+1");
        assertThatThrownBy(() -> settings.set(Setting.FORMAT_WIDTH, "830")).hasMessageContaining("multiples of 16");
        assertThatThrownBy(() -> settings.set(Setting.TEXT_PROVIDER, "mystery")).hasMessageContaining("openai-compatible");
        assertThat(settings.get(Setting.FORMAT_FRAMES).source()).isNotEqualTo(SettingValue.Source.ADMIN);
    }

    @Test
    void secretsAreNeverShownOrAuditedInClear() {
        signedInAs("admin");
        SettingValue key = settings.set(Setting.TEXT_API_KEY, "sk-very-secret");

        assertThat(key.shown()).doesNotContain("sk-very-secret").contains("set");
        assertThat(audit.recent(5, 0)).noneSatisfy(e -> assertThat(String.valueOf(e.after())).contains("sk-very-secret"));
    }

    @Test
    void storedValuesAreLaidOverTheConfigurationRecords() {
        AgentProperties configured = new AgentProperties(
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120),
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120), 0.5, 0.92,
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120), "", 0.05);
        AgentProperties applied = SettingsOverlay.apply(configured, Map.of(
                "agent.text.base-url", "http://127.0.0.1:8000/v1", "agent.text.model", "qwen", "agent.judge-min-overall", "0.7"));

        assertThat(applied.text().configured()).isTrue();
        assertThat(applied.text().baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(applied.vision().configured()).isFalse();
        assertThat(applied.judgeMinOverall()).isEqualTo(0.7);

        SourceProperties sources = SettingsOverlay.apply(new SourceProperties(2048, 832, 480, 73, 20, 4, 8),
                Map.of("sources.frames", "49", "sources.fps", "16"));
        assertThat(sources.format().frames()).isEqualTo(49);
        assertThat(sources.format().fps()).isEqualTo(16);
        assertThat(sources.width()).isEqualTo(832);
    }

    private static void signedInAs(String name) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(name, "n/a",
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }
}
