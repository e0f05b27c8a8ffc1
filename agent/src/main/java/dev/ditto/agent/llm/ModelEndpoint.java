package dev.ditto.agent.llm;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where a chat or vision model is served: provider ({@code openai-compatible}, {@code anthropic} or
 * {@code gemini}), base URL (null for the provider's default), API key (null where the server needs none),
 * model name and per-request timeout.
 */
public record ModelEndpoint(String provider, @Nullable String baseUrl, @Nullable String apiKey, String model,
                            Duration timeout) {

    /** Provider name for any server speaking OpenAI chat completions (vLLM, Ollama, llama.cpp server, OpenAI). */
    public static final String OPENAI_COMPATIBLE = "openai-compatible";
    /** Provider name for Anthropic's Messages API. */
    public static final String ANTHROPIC = "anthropic";
    /** Provider name for Google AI Gemini. */
    public static final String GEMINI = "gemini";

    public ModelEndpoint {
        provider = normalise(provider);
        if (model.isBlank()) {
            throw new IllegalArgumentException("model endpoint needs a model name (e.g. ditto.agent.model)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("model endpoint timeout must be positive, was " + timeout);
        }
    }

    /** An OpenAI-compatible endpoint, e.g. {@code http://127.0.0.1:8000/v1}. */
    public static ModelEndpoint openAiCompatible(String baseUrl, @Nullable String apiKey, String model, Duration timeout) {
        return new ModelEndpoint(OPENAI_COMPATIBLE, baseUrl, apiKey, model, timeout);
    }

    /** Never prints the API key: endpoints end up in logs and exception messages. */
    @Override
    public String toString() {
        return "ModelEndpoint[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "unset" : "(set)")
                + ", model=" + model + ", timeout=" + timeout + "]";
    }

    private static String normalise(String provider) {
        String p = provider.strip().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "openai", "openai-compatible", "openai_compatible", "vllm", "ollama", "llama.cpp", "llamacpp" -> OPENAI_COMPATIBLE;
            case "anthropic", "claude" -> ANTHROPIC;
            case "gemini", "google", "google-ai-gemini" -> GEMINI;
            default -> throw new IllegalArgumentException("unknown model provider '" + provider
                    + "'; use openai-compatible, anthropic or gemini");
        };
    }
}
