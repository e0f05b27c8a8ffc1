package dev.ditto.campaigns;

import static dev.ditto.settings.Setting.Kind.CRITERIA;
import static dev.ditto.settings.Setting.Kind.FRACTION;
import static dev.ditto.settings.Setting.Kind.PROVIDER;
import static dev.ditto.settings.Setting.Kind.SECRET;
import static dev.ditto.settings.Setting.Kind.TEXT;
import static dev.ditto.settings.Setting.Kind.URL;

import dev.ditto.agent.judge.JudgeThresholds;
import dev.ditto.settings.FeatureSettings;
import dev.ditto.settings.Setting;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The agent's settings an admin may change: the model servers of the instruction writer, the judge and the
 * captioner, the judge's thresholds and the near-duplicate similarity of instructions. Stored values are laid over
 * {@code ditto.agent.*} ({@link #overlay}) and rebuild the {@link AgentEngines} at once; values that do not make
 * usable engines leave the previous ones in force.
 */
@Component
@Order(10)
public class AgentSettings implements FeatureSettings {
    private static final Logger log = LoggerFactory.getLogger(AgentSettings.class);
    private static final Setting.Check PROVIDERS = (label, value) -> {
        if (!value.matches("openai-compatible|anthropic|gemini")) {
            throw new IllegalArgumentException(label + " must be one of openai-compatible, anthropic, gemini.");
        }
        return value;
    };

    public static final Setting TEXT_PROVIDER = Setting.of("agent.text.provider", "Instruction writer: provider", PROVIDER,
            "openai-compatible", PROVIDERS);
    public static final Setting TEXT_BASE_URL = Setting.of("agent.text.base-url", "Instruction writer: server URL", URL, "");
    public static final Setting TEXT_MODEL = Setting.of("agent.text.model", "Instruction writer: model (empty = built-in grammar)",
            TEXT, "");
    public static final Setting TEXT_API_KEY = Setting.of("agent.text.api-key", "Instruction writer: API key", SECRET, "");
    public static final Setting VISION_PROVIDER = Setting.of("agent.vision.provider", "Judge: provider", PROVIDER,
            "openai-compatible", PROVIDERS);
    public static final Setting VISION_BASE_URL = Setting.of("agent.vision.base-url", "Judge: server URL", URL, "");
    public static final Setting VISION_MODEL = Setting.of("agent.vision.model", "Judge: model (empty = built-in metric judge)",
            TEXT, "");
    public static final Setting VISION_API_KEY = Setting.of("agent.vision.api-key", "Judge: API key", SECRET, "");
    public static final Setting CAPTION_PROVIDER = Setting.of("agent.caption.provider", "Captioner: provider", PROVIDER,
            "openai-compatible", PROVIDERS);
    public static final Setting CAPTION_BASE_URL = Setting.of("agent.caption.base-url", "Captioner: server URL", URL, "");
    public static final Setting CAPTION_MODEL = Setting.of("agent.caption.model",
            "Captioner: vision model (empty = built-in caption from probe measurements)", TEXT, "");
    public static final Setting CAPTION_API_KEY = Setting.of("agent.caption.api-key", "Captioner: API key", SECRET, "");
    public static final Setting JUDGE_MIN_OVERALL = Setting.of("agent.judge-min-overall",
            "Judge: minimum overall score to reach review (0–1)", FRACTION, "0.5");
    public static final Setting JUDGE_CRITERION_MINIMUMS = Setting.of("agent.judge-criterion-minimums",
            "Judge: minimum per criterion (criterion=0.35; …; empty = defaults)", CRITERIA, "", AgentSettings::criteria);
    public static final Setting JUDGE_REVIEW_SHARE = Setting.of("agent.judge-review-share",
            "Judge: share of would-be auto-rejects sent to review for calibration (0–1)", FRACTION, "0.05");
    public static final Setting NEAR_DUPLICATE_SIMILARITY = Setting.of("agent.near-duplicate-similarity",
            "Instructions: near-duplicate cosine similarity (0–1)", FRACTION, "0.92");

    private static final List<Setting> ALL = List.of(TEXT_PROVIDER, TEXT_BASE_URL, TEXT_MODEL, TEXT_API_KEY, VISION_PROVIDER,
            VISION_BASE_URL, VISION_MODEL, VISION_API_KEY, CAPTION_PROVIDER, CAPTION_BASE_URL, CAPTION_MODEL, CAPTION_API_KEY,
            JUDGE_MIN_OVERALL, JUDGE_CRITERION_MINIMUMS, JUDGE_REVIEW_SHARE, NEAR_DUPLICATE_SIMILARITY);

    private final AgentProperties configured;
    private final AgentEngines engines;

    AgentSettings(AgentProperties configured, AgentEngines engines) {
        this.configured = configured;
        this.engines = engines;
    }

    @Override
    public String section() {
        return "Agent";
    }

    @Override
    public List<Setting> settings() {
        return ALL;
    }

    @Override
    public void apply(Map<String, String> stored) {
        if (engines.apply(overlay(configured, stored))) {
            log.info("Agent settings in force: writer {}, judge {}, captioner {}", engines.writerDescription(),
                    engines.judgeDescription(), engines.captionerDescription());
        }
    }

    @Override
    public List<InForce> inForce() {
        AgentProperties p = engines.properties();
        return List.of(new InForce("in-force-writer", "Instruction writer: " + engines.writerDescription()),
                new InForce("in-force-judge", "Judge: " + engines.judgeDescription()
                        + String.format(Locale.ROOT, " · minimum overall %.2f", p.judgeMinOverall())),
                new InForce("in-force-captioner", "Captioner: " + engines.captionerDescription()),
                new InForce("in-force-dedup", String.format(Locale.ROOT, "Near-duplicate similarity %.2f", p.nearDuplicateSimilarity())));
    }

    @Override
    public String notApplied(String reason) {
        return "The agent settings could not be applied (" + reason + "); the previous engines stay in force.";
    }

    /** The configured record with the values an admin stored ({@code agent.*} keys) laid over it. */
    static AgentProperties overlay(AgentProperties p, Map<String, String> s) {
        if (s.keySet().stream().noneMatch(k -> k.startsWith("agent."))) {
            return p;
        }
        var text = endpoint(p.text(), "agent.text.", s);
        var vision = endpoint(p.vision(), "agent.vision.", s);
        double min = Double.parseDouble(s.getOrDefault(JUDGE_MIN_OVERALL.key(), String.valueOf(p.judgeMinOverall())));
        double dup = Double.parseDouble(s.getOrDefault(NEAR_DUPLICATE_SIMILARITY.key(), String.valueOf(p.nearDuplicateSimilarity())));
        var caption = endpoint(p.caption(), "agent.caption.", s);
        String minimums = s.getOrDefault(JUDGE_CRITERION_MINIMUMS.key(), p.judgeCriterionMinimums());
        double share = Double.parseDouble(s.getOrDefault(JUDGE_REVIEW_SHARE.key(), String.valueOf(p.judgeReviewShare())));
        return new AgentProperties(text, vision, min, dup, caption, minimums, share);
    }

    private static AgentProperties.Endpoint endpoint(AgentProperties.Endpoint e, String prefix, Map<String, String> s) {
        return new AgentProperties.Endpoint(
                s.getOrDefault(prefix + "provider", e.provider()),
                blankToNull(s.containsKey(prefix + "base-url") ? s.get(prefix + "base-url") : e.baseUrl()),
                blankToNull(s.containsKey(prefix + "api-key") ? s.get(prefix + "api-key") : e.apiKey()),
                blankToNull(s.containsKey(prefix + "model") ? s.get(prefix + "model") : e.model()),
                e.timeoutSeconds());
    }

    private static @Nullable String blankToNull(@Nullable String v) {
        return v == null || v.isBlank() ? null : v;
    }

    /** Per-criterion minimums in one normal form ({@code criterion=0.35; …}). */
    private static String criteria(String label, String value) {
        try {
            var parsed = JudgeThresholds.parseMinimums(value);
            StringBuilder b = new StringBuilder();
            parsed.forEach((c, v) -> b.append(b.isEmpty() ? "" : "; ").append(c.wireName()).append('=').append(v));
            return b.toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label + ": " + e.getMessage() + ".", e);
        }
    }
}
