package dev.ditto.settings;

import dev.ditto.campaigns.AgentProperties;
import dev.ditto.sources.SourceProperties;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Applies the settings an admin stored to the configuration records as they are created at start-up, so the
 * agent's engines and the ingest format are built from them: that is why those settings apply at restart.
 * A stored value that no longer binds (an old row, a hand edit) is logged and skipped, never fatal.
 */
@Component
class StartupSettingsOverrides implements BeanPostProcessor {
    private static final Logger log = LoggerFactory.getLogger(StartupSettingsOverrides.class);

    private final ObjectProvider<JdbcClient> jdbc;
    private @Nullable Map<String, String> stored;

    StartupSettingsOverrides(ObjectProvider<JdbcClient> jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        try {
            if (bean instanceof AgentProperties agent) {
                return apply(agent, stored());
            }
            if (bean instanceof SourceProperties sources) {
                return apply(sources, stored());
            }
        } catch (RuntimeException e) {
            log.warn("Stored settings were not applied to {} ({}); the configured values are used", beanName, e.getMessage());
        }
        return bean;
    }

    static AgentProperties apply(AgentProperties p, Map<String, String> s) {
        if (s.keySet().stream().noneMatch(k -> k.startsWith("agent."))) {
            return p;
        }
        var text = endpoint(p.text(), "agent.text.", s);
        var vision = endpoint(p.vision(), "agent.vision.", s);
        double min = Double.parseDouble(s.getOrDefault(Setting.JUDGE_MIN_OVERALL.key(), String.valueOf(p.judgeMinOverall())));
        double dup = Double.parseDouble(s.getOrDefault(Setting.NEAR_DUPLICATE_SIMILARITY.key(), String.valueOf(p.nearDuplicateSimilarity())));
        log.info("Agent settings from the settings table applied (writer model '{}', judge model '{}', judge minimum {})",
                text.model() == null ? "built-in" : text.model(), vision.model() == null ? "built-in" : vision.model(), min);
        return new AgentProperties(text, vision, min, dup);
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
        out.format(); // an invalid combination throws here and the configured values stay
        log.info("Source settings from the settings table applied (format {}, uploads up to {} MB)", out.format(), out.maxUploadMb());
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

    private Map<String, String> stored() {
        if (stored == null) {
            stored = jdbc.getObject().sql("select key, value from settings")
                    .query((rs, i) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
        return stored;
    }
}
