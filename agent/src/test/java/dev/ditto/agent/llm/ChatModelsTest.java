package dev.ditto.agent.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChatModelsTest {

    @Test
    void buildsAModelPerProvider() {
        assertThat(ChatModels.create(ModelEndpoint.openAiCompatible("http://127.0.0.1:1/v1", null, "m", Duration.ofSeconds(5))))
                .isInstanceOf(OpenAiChatModel.class)
                .satisfies(m -> assertThat(m.supportedCapabilities()).contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA));
        assertThat(ChatModels.create(new ModelEndpoint("anthropic", null, "k", "claude", Duration.ofSeconds(5))))
                .isInstanceOf(AnthropicChatModel.class);
        assertThat(ChatModels.create(new ModelEndpoint("gemini", null, "k", "gemini-2.5-flash", Duration.ofSeconds(5))))
                .isInstanceOf(GoogleAiGeminiChatModel.class);
    }

    @Test
    void providerAliasesNormaliseAndUnknownOnesAreRefused() {
        assertThat(new ModelEndpoint("vLLM", "http://x/v1", null, "m", Duration.ofSeconds(1)).provider()).isEqualTo("openai-compatible");
        assertThat(ChatModels.engineLabel(new ModelEndpoint("Ollama", "http://x/v1", null, "m", Duration.ofSeconds(1))))
                .isEqualTo("langchain4j-openai-compatible");
        assertThatThrownBy(() -> new ModelEndpoint("bard", null, null, "m", Duration.ofSeconds(1)))
                .hasMessageContaining("openai-compatible, anthropic or gemini");
    }
}
