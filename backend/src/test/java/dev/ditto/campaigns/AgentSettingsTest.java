package dev.ditto.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's settings laid over {@code ditto.agent.*}, and the checks only the agent knows. */
class AgentSettingsTest {

    @Test
    void storedValuesAreLaidOverTheConfiguredRecord() {
        AgentProperties configured = new AgentProperties(
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120),
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120), 0.5, 0.92,
                new AgentProperties.Endpoint("openai-compatible", null, null, null, 120), "", 0.05);
        AgentProperties applied = AgentSettings.overlay(configured, Map.of(
                "agent.text.base-url", "http://127.0.0.1:8000/v1", "agent.text.model", "qwen", "agent.judge-min-overall", "0.7"));

        assertThat(applied.text().configured()).isTrue();
        assertThat(applied.text().baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(applied.vision().configured()).isFalse();
        assertThat(applied.judgeMinOverall()).isEqualTo(0.7);
        assertThat(AgentSettings.overlay(configured, Map.of())).as("nothing stored: the configuration").isSameAs(configured);
    }

    @Test
    void providersAndCriterionMinimumsAreCheckedByTheAgent() {
        assertThatThrownBy(() -> AgentSettings.TEXT_PROVIDER.validate("mystery"))
                .hasMessage("Instruction writer: provider must be one of openai-compatible, anthropic, gemini.");
        assertThat(AgentSettings.VISION_PROVIDER.validate(" gemini ")).isEqualTo("gemini");
        assertThatThrownBy(() -> AgentSettings.JUDGE_CRITERION_MINIMUMS.validate("sharpness=0.3"))
                .hasMessageStartingWith("Judge: minimum per criterion (criterion=0.35; …; empty = defaults): ");
    }
}
