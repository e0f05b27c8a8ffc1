package dev.ditto.agent.llm;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * Builds a LangChain4j {@link ChatModel} for an endpoint. Transport retries are off: the engines retry whole
 * calls within their own budget, so malformed output and network faults share one limit.
 */
public final class ChatModels {

    private ChatModels() {}

    /** The chat model for an endpoint; OpenAI-compatible models are told they accept JSON-schema responses. */
    public static ChatModel create(ModelEndpoint endpoint) {
        return switch (endpoint.provider()) {
            case ModelEndpoint.OPENAI_COMPATIBLE -> OpenAiChatModel.builder()
                    .baseUrl(endpoint.baseUrl() == null ? "https://api.openai.com/v1" : endpoint.baseUrl())
                    .apiKey(endpoint.apiKey() == null ? "no-key" : endpoint.apiKey())
                    .modelName(endpoint.model())
                    .timeout(endpoint.timeout())
                    .maxRetries(0)
                    .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                    .strictJsonSchema(false)
                    .build();
            case ModelEndpoint.ANTHROPIC -> {
                var builder = AnthropicChatModel.builder()
                        .apiKey(endpoint.apiKey())
                        .modelName(endpoint.model())
                        .timeout(endpoint.timeout())
                        .maxRetries(0)
                        .maxTokens(4096);
                if (endpoint.baseUrl() != null) {
                    builder.baseUrl(endpoint.baseUrl());
                }
                yield builder.build();
            }
            case ModelEndpoint.GEMINI -> {
                var builder = GoogleAiGeminiChatModel.builder()
                        .apiKey(endpoint.apiKey())
                        .modelName(endpoint.model())
                        .timeout(endpoint.timeout())
                        .maxRetries(0);
                if (endpoint.baseUrl() != null) {
                    builder.baseUrl(endpoint.baseUrl());
                }
                yield builder.build();
            }
            default -> throw new IllegalArgumentException("unknown provider " + endpoint.provider());
        };
    }

    /** The engine label for records an LLM engine writes, e.g. {@code langchain4j-openai-compatible}. */
    public static String engineLabel(ModelEndpoint endpoint) {
        return "langchain4j-" + endpoint.provider();
    }
}
