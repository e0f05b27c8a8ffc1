package dev.ditto.releases;

import dev.ditto.agent.InstructionText;
import dev.ditto.audit.AuditLog;
import dev.ditto.settings.SettingsService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/**
 * Builds, lists and shows releases, audited; a published release is never edited. Renews the leases of the builds
 * running on this server, and builds again, from the start, a release whose server stopped mid-build (every
 * {@code ditto.releases.build-poll-ms}).
 */
@Service
public class ReleaseService {
    private static final Logger log = LoggerFactory.getLogger(ReleaseService.class);
    private final ReleaseBuilder builder;
    private final ReleaseCatalog catalog;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final SettingsService settings;
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("release-build-lease").daemon().factory());
    private final ExecutorService takeovers =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("release-takeover").daemon().factory());
    private final AtomicBoolean takingOver = new AtomicBoolean();

    ReleaseService(ReleaseBuilder builder, ReleaseCatalog catalog, JdbcClient jdbc, AuditLog audit,
                   SettingsService settings) {
        this.builder = builder;
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.audit = audit;
        this.settings = settings;
        long every = Math.max(1000, builder.lease().seconds() * 1000L / 3);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        try {
            builder.heartbeat();
        } catch (RuntimeException e) {
            log.warn("Release builds: could not renew their leases ({}); trying again", e.getMessage());
        }
    }

    @Scheduled(fixedDelayString = "${ditto.releases.build-poll-ms:5000}", initialDelayString = "${ditto.releases.build-poll-ms:5000}")
    void pollAbandonedBuilds() {
        if (takingOver.compareAndSet(false, true)) {
            takeovers.execute(() -> {
                try {
                    takeOverAbandoned();
                } catch (RuntimeException e) {
                    log.warn("Release builds: could not look for abandoned builds ({}); trying again at the next poll",
                            e.getMessage());
                } finally {
                    takingOver.set(false);
                }
            });
        }
    }

    /**
     * Builds again every release a stopped server left BUILDING (its lease ran out), one after the other; returns
     * the releases this server built. A build that fails is recorded FAILED with the reason, as a first build is.
     */
    public List<Release> takeOverAbandoned() {
        List<Release> built = new java.util.ArrayList<>();
        Optional<ReleaseBuilder.Abandoned> next;
        while ((next = builder.claimAbandoned()).isPresent()) {
            Release release = next.get().release();
            log.info("Release {} {} (id {}) was left building by a stopped server; building it again here",
                    release.name(), release.version(), release.id());
            try {
                Release done = builder.rebuild(next.get(), next.get().withSim2Real() ? sim2realRule() : Sim2Real.defaults(),
                        (stage, n) -> log.info("Release {} {}: {} {}", release.name(), release.version(), stage, n));
                audit.record("release.build", "release", done.id(), null, Map.of("name", done.name(), "version",
                        done.version(), "samples", done.sampleCount(), "takenOver", true));
                built.add(done);
            } catch (ReleaseException e) {
                log.warn("Release {} {} (id {}): the build taken over failed: {}", release.name(), release.version(),
                        release.id(), e.getMessage());
            }
        }
        return built;
    }

    @PreDestroy
    void stop() {
        heartbeats.shutdownNow();
        takeovers.shutdownNow();
    }

    /** Builds a release synchronously (it streams, so even a million samples take about a minute). */
    public Release build(NewRelease request) {
        String actor = actor();
        Long userId = jdbc.sql("select id from users where lower(username) = lower(:u)").param("u", actor)
                .query(Long.class).optional().orElse(null);
        try {
            Release release = builder.build(request, userId, request.withSim2Real() ? sim2realRule() : Sim2Real.defaults(),
                    (stage, n) -> log.info("Release {} {}: {} {}",
                    request.name(), request.version(), stage, n));
            audit.record("release.build", "release", release.id(), null,
                    Map.of("name", release.name(), "version", release.version(), "samples", release.sampleCount(),
                            "sim2realPairs", release.sim2real() == null ? 0 : release.sim2real().pairs()));
            return release;
        } catch (ReleaseException e) {
            audit.record("release.build.failed", "release", null, null,
                    Map.of("name", String.valueOf(request.name()), "version", String.valueOf(request.version()),
                            "error", String.valueOf(e.getMessage())));
            throw e;
        }
    }

    /** The sim2real rule in force: the admin settings {@code releases.sim2real-categories} and {@code -prompt}. */
    public Sim2Real sim2realRule() {
        String prompt = settings.get(ReleaseSettings.RELEASE_SIM2REAL_PROMPT).value().strip();
        InstructionText.problem(prompt).ifPresent(problem -> {
            throw new ReleaseException(ReleaseException.Reason.INVALID, "the sim2real prompt (setting "
                    + ReleaseSettings.RELEASE_SIM2REAL_PROMPT.key() + ") cannot be exported: " + problem);
        });
        return new Sim2Real(Sim2Real.parseCategories(settings.get(ReleaseSettings.RELEASE_SIM2REAL_CATEGORIES).value()), prompt);
    }

    public Release get(long id) {
        return catalog.get(id);
    }

    public List<Release> list(int limit, int offset) {
        return catalog.list(Math.max(1, Math.min(limit, 500)), Math.max(0, offset));
    }

    /** The dataset card the release ships, if its files exist. */
    public Optional<String> card(Release release) {
        try (java.io.InputStream in = builder.filesOf(release.name(), release.version()).open(DatasetLayout.CARD)) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder holding a release's files. */
    public Path directory(Release release) {
        return builder.directoryOf(release.name(), release.version());
    }

    /** Replaces the release notes; refused once the release is published. */
    public Release editNotes(long id, @Nullable String notes) {
        Release before = catalog.get(id);
        if (before.state() == Release.State.PUBLISHED) {
            throw new ReleaseException(ReleaseException.Reason.CONFLICT, "release " + before.name() + " " + before.version()
                    + " is published and can no longer be edited; build a new version instead");
        }
        jdbc.sql("update releases set notes = :n where id = :id and state <> 'PUBLISHED'")
                .param("n", ReleaseNotes.compose(notes, before.diff())).param("id", id).update();
        Release after = catalog.get(id);
        audit.record("release.notes", "release", id, before.notes(), after.notes());
        return after;
    }

    private static String actor() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }
}
