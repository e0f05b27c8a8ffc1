package dev.ditto.settings;

import dev.ditto.campaigns.AgentEngines;
import dev.ditto.campaigns.AgentProperties;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.sources.SourceProperties;
import dev.ditto.sources.SourceService;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Puts the stored settings in force without a restart: at start-up (before any worker runs), right after an admin's
 * change commits on this server, and within {@code ditto.settings.refresh-ms} of a change made on another server
 * sharing the database. Model servers and thresholds rebuild the agent's engines; the format and upload limit go
 * to ingest. A value that cannot be applied leaves the previous engines in force and says why in {@link #status()}.
 */
@Component
public class LiveSettings implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(LiveSettings.class);

    private final SettingsService settings;
    private final SettingsKeyCheck keyCheck;
    private final AgentProperties configuredAgent;
    private final SourceProperties configuredSources;
    private final AgentEngines engines;
    private final SourceService sources;
    private final Clock clock;
    private final dev.ditto.campaigns.GenerateBackendSettings generate;
    private final String configuredGenerate;
    private volatile Applied applied = new Applied(Map.of(), Instant.EPOCH, null, null);

    LiveSettings(SettingsService settings, SettingsKeyCheck keyCheck, AgentProperties configuredAgent, SourceProperties configuredSources,
                 AgentEngines engines, SourceService sources, Clock clock, dev.ditto.campaigns.GenerateBackendSettings generate,
                 @org.springframework.beans.factory.annotation.Value("${ditto.generate.backend-settings:}") String configuredGenerate) {
        this.generate = generate;
        this.configuredGenerate = configuredGenerate;
        this.settings = settings;
        this.keyCheck = keyCheck;
        this.configuredAgent = configuredAgent;
        this.configuredSources = configuredSources;
        this.engines = engines;
        this.sources = sources;
        this.clock = clock;
    }

    /** What is in force now, for the settings page. */
    public record Status(Instant appliedAt, String writer, String judge, double judgeMinOverall,
                         double nearDuplicateSimilarity, VideoFormat format, long maxUploadMb,
                         @Nullable String agentError, @Nullable String sourcesError, String captioner) {}

    @Override
    public void afterSingletonsInstantiated() {
        keyCheck.check(); // a server whose key the others cannot read stops here
        int encrypted = settings.encryptPlaintextSecrets();
        if (encrypted > 0) {
            log.info("{} secret setting(s) stored in clear were encrypted at rest", encrypted);
        }
        apply();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void changed(SettingsChanged change) {
        log.info("Setting {} changed; applying it now", change.setting().key());
        apply();
    }

    /** Picks up changes another server made (this one's own are applied as they commit). */
    @Scheduled(fixedDelayString = "${ditto.settings.refresh-ms:5000}", initialDelayString = "${ditto.settings.refresh-ms:5000}")
    void pickUpChangesFromOtherServers() {
        if (!settings.storedRaw().equals(applied.raw())) {
            apply();
        }
    }

    /** Applies the stored settings over the configuration to the engines and to ingest. */
    synchronized void apply() {
        Map<String, String> raw = settings.storedRaw();
        String agentError = null;
        String sourcesError = null;
        try {
            if (engines.apply(SettingsOverlay.apply(configuredAgent, settings.storedValues()))) {
                log.info("Agent settings in force: writer {}, judge {}, captioner {}", engines.writerDescription(),
                        engines.judgeDescription(), engines.captionerDescription());
            }
        } catch (RuntimeException e) {
            agentError = "The agent settings could not be applied (" + e.getMessage() + "); the previous engines stay in force.";
            log.warn(agentError);
        }
        try {
            SourceProperties next = SettingsOverlay.apply(configuredSources, raw);
            if (!next.equals(sources.properties())) {
                sources.applySettings(next);
                log.info("Ingest settings in force: format {}, uploads up to {} MB", next.format(), next.maxUploadMb());
            }
        } catch (RuntimeException e) {
            sourcesError = "The format and upload settings could not be applied (" + e.getMessage()
                    + "); the previous ones stay in force.";
            log.warn(sourcesError);
        }
        try {
            String text = raw.getOrDefault(Setting.GENERATE_BACKEND.key(), configuredGenerate);
            String before = generate.describe();
            generate.apply(text);
            if (!before.equals(generate.describe())) {
                log.info("GENERATE backend settings in force: {}", generate.describe().isEmpty() ? "none (runners use their own options)"
                        : generate.describe());
            }
        } catch (RuntimeException e) {
            agentError = (agentError == null ? "" : agentError + " ") + "The GENERATE backend settings could not be applied ("
                    + e.getMessage() + "); the previous ones stay in force.";
            log.warn(agentError);
        }
        applied = new Applied(Map.copyOf(raw), clock.instant(), agentError, sourcesError);
    }

    /** What the engines and ingest run with now. */
    public Status status() {
        Applied a = applied;
        AgentProperties agent = engines.properties();
        SourceProperties src = sources.properties();
        return new Status(a.at(), engines.writerDescription(), engines.judgeDescription(), agent.judgeMinOverall(),
                agent.nearDuplicateSimilarity(), src.format(), src.maxUploadMb(), a.agentError(), a.sourcesError(),
                engines.captionerDescription());
    }

    /**
     * Whether {@code setting}'s stored value is the one the running server applied (false while a change made on
     * another server has not been picked up yet, or when applying it failed).
     */
    public boolean inEffect(Setting setting) {
        return inEffect().get(setting);
    }

    /** Every setting's {@link #inEffect} at once (one read of the table). */
    public Map<Setting, Boolean> inEffect() {
        Applied a = applied;
        Map<String, String> now = settings.storedRaw();
        Map<Setting, Boolean> out = new HashMap<>();
        for (Setting s : Setting.values()) {
            @Nullable String error = s.key().startsWith("agent.") || s == Setting.GENERATE_BACKEND ? a.agentError() : s.key().startsWith("sources.") ? a.sourcesError() : null;
            out.put(s, error == null && Objects.equals(a.raw().get(s.key()), now.get(s.key())));
        }
        return out;
    }

    private record Applied(Map<String, String> raw, Instant at, @Nullable String agentError, @Nullable String sourcesError) {}
}
