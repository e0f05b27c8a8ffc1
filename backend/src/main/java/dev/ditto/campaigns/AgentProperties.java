package dev.ditto.campaigns;

import dev.ditto.agent.llm.ModelEndpoint;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.agent.*}: the model servers for writing (text), judging (vision) and captioning sources (caption, a
 * vision model too; see docs/captions.md). With none configured the built-in engines run: the taxonomy grammar, the
 * metric judge and the caption composed from the probe's measurements.
 */
@ConfigurationProperties("ditto.agent")
public record AgentProperties(@DefaultValue Endpoint text, @DefaultValue Endpoint vision,
                              @DefaultValue("0.5") double judgeMinOverall,
                              @DefaultValue("0.92") double nearDuplicateSimilarity,
                              @DefaultValue Endpoint caption,
                              @DefaultValue("") String judgeCriterionMinimums,
                              @DefaultValue("0.05") double judgeReviewShare) {

    /** The judge's thresholds: the defaults with the configured overall and criterion minimums. */
    public dev.ditto.agent.judge.JudgeThresholds judgeThresholds() {
        return dev.ditto.agent.judge.JudgeThresholds.defaults().withOverallMinimum(judgeMinOverall)
                .withMinimums(judgeCriterionMinimums == null ? "" : judgeCriterionMinimums);
    }

    /** One model server; {@code model} unset means "not configured". */
    public record Endpoint(@DefaultValue("openai-compatible") String provider, @Nullable String baseUrl,
                           @Nullable String apiKey, @Nullable String model, @DefaultValue("120") int timeoutSeconds) {

        public boolean configured() {
            return model != null && !model.isBlank();
        }

        public ModelEndpoint toModelEndpoint() {
            if (model == null) {
                throw new IllegalStateException("no model configured");
            }
            return new ModelEndpoint(provider, baseUrl, apiKey, model, Duration.ofSeconds(timeoutSeconds));
        }

        /** Never prints the API key: records end up in logs and exception messages. */
        @Override
        public String toString() {
            return "Endpoint[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "unset" : "(set)")
                    + ", model=" + model + ", timeoutSeconds=" + timeoutSeconds + "]";
        }
    }
}
