package dev.ditto.settings;

import dev.ditto.campaigns.AgentProperties;
import dev.ditto.sources.SourceProperties;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Lays the settings an admin stored over the configured records: the agent's model servers and thresholds and the
 * ingest format. Pure functions; {@link LiveSettings} applies their results to the running engines.
 */
final class SettingsOverlay {
    private SettingsOverlay() {}

    static AgentProperties apply(AgentProperties p, Map<String, String> s) {
        if (s.keySet().stream().noneMatch(k -> k.startsWith("agent."))) {
            return p;
        }
        var text = endpoint(p.text(), "agent.text.", s);
        var vision = endpoint(p.vision(), "agent.vision.", s);
        double min = Double.parseDouble(s.getOrDefault(Setting.JUDGE_MIN_OVERALL.key(), String.valueOf(p.judgeMinOverall())));
        double dup = Double.parseDouble(s.getOrDefault(Setting.NEAR_DUPLICATE_SIMILARITY.key(), String.valueOf(p.nearDuplicateSimilarity())));
        var caption = endpoint(p.caption(), "agent.caption.", s);
        String minimums = s.getOrDefault(Setting.JUDGE_CRITERION_MINIMUMS.key(), p.judgeCriterionMinimums());
        double share = Double.parseDouble(s.getOrDefault(Setting.JUDGE_REVIEW_SHARE.key(), String.valueOf(p.judgeReviewShare())));
        return new AgentProperties(text, vision, min, dup, caption, minimums, share);
    }

    static SourceProperties apply(SourceProperties p, Map<String, String> s) {
        if (s.keySet().stream().noneMatch(k -> k.startsWith("sources."))) {
            return p;
        }
        SourceProperties out = new SourceProperties(
                Long.parseLong(s.getOrDefault(Setting.MAX_UPLOAD_MB.key(), String.valueOf(p.maxUploadMb()))),
                Integer.parseInt(s.getOrDefault(Setting.FORMAT_WIDTH.key(), String.valueOf(p.width()))),
                Integer.parseInt(s.getOrDefault(Setting.FORMAT_HEIGHT.key(), String.valueOf(p.height()))),
                Integer.parseInt(s.getOrDefault(Setting.FORMAT_FRAMES.key(), String.valueOf(p.frames()))),
                Integer.parseInt(s.getOrDefault(Setting.FORMAT_FPS.key(), String.valueOf(p.fps()))),
                p.minClipSeconds(), p.maxClipSeconds());
        out.format(); // an invalid combination throws here and the values in force stay
        return out;
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
}
