package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.diversity.DiversityReport;
import dev.ditto.agent.diversity.Selection;
import dev.ditto.jobs.JobQueue;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.platform.DatabaseFaults;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs campaigns in the background, one source at a time: the agent writes candidates, the diversity
 * selector keeps distinct ones near the category mix, and each kept instruction becomes a sample with a
 * GENERATE job, all in one transaction per source. The engines are looked up per source, so a settings change
 * reaches a running campaign at its next source. A source that fails (model errors, malformed output after
 * retries) is counted and reported; the campaign goes on.
 *
 * <p>A running campaign is owned by a lease ({@code ditto.campaigns.lease-seconds}) that this server heartbeats
 * while it writes. The campaign's cursor ({@code sources_done}) advances in the transaction that writes a source,
 * guarded by the lease, so when a server dies (or loses PostgreSQL for longer than its lease) the next server that
 * polls, this one after a restart or another one, takes the campaign over at the first source not yet written:
 * nothing is written twice and nothing is skipped. A database that fails for a moment is retried (for up to
 * {@code ditto.campaigns.database-retry-seconds}); one that stays down ends this server's run with an error logged
 * and the lease handed back, and the campaign resumes at the next poll that reaches the database.
 */
@Component
class CampaignWorker {
    private static final Logger log = LoggerFactory.getLogger(CampaignWorker.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AgentEngines engines;
    private final CorpusInstructions corpus;
    private final JobQueue jobs;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final GenerateBackendSettings backendSettings;
    private final Lease lease;
    private final boolean enabled;
    private final Duration databaseRetry;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean stopping;

    @org.springframework.beans.factory.annotation.Autowired
    CampaignWorker(JdbcClient jdbc, TransactionTemplate tx, AgentEngines engines, CorpusInstructions corpus,
                   JobQueue jobs, Outbox outbox, ObjectMapper json, GenerateBackendSettings backendSettings,
                   @Value("${ditto.campaigns.enabled:true}") boolean enabled,
                   @Value("${ditto.campaigns.lease-seconds:60}") int leaseSeconds,
                   @Value("${ditto.campaigns.database-retry-seconds:120}") int databaseRetrySeconds) {
        this(jdbc, tx, engines, corpus, jobs, outbox, json, backendSettings, enabled,
                new Lease("campaigns-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID(), leaseSeconds), Duration.ofSeconds(databaseRetrySeconds));
    }

    CampaignWorker(JdbcClient jdbc, TransactionTemplate tx, AgentEngines engines, CorpusInstructions corpus,
                   JobQueue jobs, Outbox outbox, ObjectMapper json, GenerateBackendSettings backendSettings,
                   boolean enabled, Lease lease, Duration databaseRetry) {
        if (lease.seconds() < 3) {
            throw new IllegalArgumentException("ditto.campaigns.lease-seconds must be at least 3, was " + lease.seconds());
        }
        this.backendSettings = backendSettings;
        this.jdbc = jdbc;
        this.tx = tx;
        this.engines = engines;
        this.corpus = corpus;
        this.jobs = jobs;
        this.outbox = outbox;
        this.json = json;
        this.enabled = enabled;
        this.lease = lease;
        this.databaseRetry = databaseRetry;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "campaign-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** Who holds a campaign's lease and for how long each heartbeat extends it. */
    record Lease(String owner, int seconds) {}

    @Scheduled(fixedDelayString = "${ditto.campaigns.poll-ms:2000}", initialDelay = 2000)
    void runQueued() {
        if (enabled) {
            runAvailable();
        }
    }

    /** Runs queued campaigns and takes over those whose lease ran out, until none is left; never throws. */
    void runAvailable() {
        try {
            Optional<Claimed> next;
            while (!stopping && (next = claim()).isPresent()) {
                run(next.get());
            }
        } catch (RuntimeException e) {
            // the claim itself failed (the database is down): the next poll tries again
            log.warn("Campaigns: could not claim a campaign ({}); trying again at the next poll", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        heartbeats.shutdownNow();
    }

    /** The campaign claimed: a queued one, or a running one whose server stopped heartbeating. */
    private record Claimed(long id, @Nullable String previousOwner, int sourcesDone) {}

    private Optional<Claimed> claim() {
        return jdbc.sql("""
                with next as (
                    select id, lease_owner from campaigns
                     where status = 'QUEUED' or (status = 'RUNNING' and (lease_until is null or lease_until < now()))
                     order by id limit 1 for update skip locked)
                update campaigns c set status = 'RUNNING', lease_owner = :me,
                                       lease_until = now() + make_interval(secs => :lease)
                  from next where c.id = next.id
                returning c.id, next.lease_owner, c.sources_done""")
                .param("me", lease.owner()).param("lease", lease.seconds())
                .query((rs, i) -> new Claimed(rs.getLong(1), rs.getString(2), rs.getInt(3))).optional();
    }

    /** Operators the campaign's writer guidance says to avoid (advice lines "writer: avoid OP: …"). */
    static java.util.Set<String> avoidedOperators(JsonNode advice) {
        return adviceKeys(advice, "^writer: avoid ([a-z0-9_]+):");
    }

    /**
     * Edits the campaign's writer guidance says to prefer (advice lines "writer: prefer KEY: …", KEY as
     * {@link dev.ditto.agent.diversity.DiversitySelector#key}: empty regions a "fill the gaps" campaign aims at).
     */
    static java.util.Set<String> preferredEdits(JsonNode advice) {
        return adviceKeys(advice, "^writer: prefer ([a-z0-9_]+(?:=[a-z0-9_]+)?):");
    }

    /** Group 1 of {@code pattern} in every advice line it matches. */
    private static java.util.Set<String> adviceKeys(JsonNode advice, String pattern) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(pattern);
        for (JsonNode a : advice) {
            java.util.regex.Matcher m = line.matcher(a.asString(""));
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        return java.util.Set.copyOf(keys);
    }

    void run(Claimed claimed) {
        long campaignId = claimed.id();
        AtomicBoolean leaseLost = new AtomicBoolean();
        long every = Math.max(1, lease.seconds() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> heartbeat(campaignId, leaseLost),
                every, every, TimeUnit.SECONDS);
        try {
            write(claimed, leaseLost);
        } catch (LeaseLost e) {
            log.warn("Campaign {}: {}; this server stops writing it", campaignId, e.getMessage());
        } catch (RuntimeException e) {
            if (DatabaseFaults.isUnavailable(e)) {
                // never silently: the campaign stays RUNNING with its lease handed back, and the next poll resumes it
                log.error("Campaign {}: writing stopped, the database is unavailable ({}); it resumes at its next unwritten "
                        + "source when the database answers", campaignId, e.getMessage());
                handBack(campaignId);
            } else {
                // a fault of the campaign itself would fail the same way at every takeover: end it, with the reason
                log.error("Campaign {}: writing failed; the campaign is marked FAILED", campaignId, e);
                fail(campaignId, e);
            }
        } finally {
            heartbeat.cancel(false);
        }
    }

    private void write(Claimed claimed, AtomicBoolean leaseLost) {
        long campaignId = claimed.id();
        JsonNode row = json.readTree(retrying(campaignId, () -> jdbc.sql("""
                select json_build_object('selection', selection, 'perSource', per_source, 'mix', category_mix, 'seed', seed,
                                         'advice', advice)::text
                from campaigns where id = :id""").param("id", campaignId).query(String.class).single()));
        List<Long> sourceIds = json.convertValue(row.get("selection").get("sourceIds"), new TypeReference<List<Long>>() {});
        int perSource = row.get("perSource").asInt();
        Map<Category, Double> shares = json.convertValue(row.get("mix"), new TypeReference<Map<Category, Double>>() {});
        CategoryMix mix = new CategoryMix(new EnumMap<>(shares));
        long seed = row.get("seed").asLong();
        java.util.Set<String> avoidOps = avoidedOperators(row.path("advice"));
        if (!avoidOps.isEmpty()) {
            log.info("Campaign {}: the writer avoids {} (curators' rejections)", campaignId, avoidOps);
        }
        java.util.Set<String> prefer = preferredEdits(row.path("advice"));
        if (!prefer.isEmpty()) {
            log.info("Campaign {}: the writer prefers {} (empty regions of the corpus)", campaignId, prefer);
        }
        Written so = retrying(campaignId, () -> writtenSoFar(campaignId));
        if (claimed.sourcesDone() > 0 || claimed.previousOwner() != null) {
            log.info("Campaign {}: taken over from {} at source {}/{} ({} instructions written before)", campaignId,
                    claimed.previousOwner() == null ? "a server that stopped" : claimed.previousOwner(),
                    claimed.sourcesDone() + 1, sourceIds.size(), so.texts().size());
        } else {
            log.info("Campaign {}: writing {} instructions for each of {} sources", campaignId, perSource, sourceIds.size());
        }
        for (int index = claimed.sourcesDone(); index < sourceIds.size(); index++) {
            if (leaseLost.get()) {
                throw new LeaseLost("its lease ran out and another server took it over");
            }
            if (stopping) {
                handBack(campaignId);
                log.info("Campaign {}: the server is stopping; handed back at source {}/{}", campaignId, index + 1, sourceIds.size());
                return;
            }
            long sourceId = sourceIds.get(index);
            int at = index;
            Written added = retrying(campaignId, () -> writeSource(campaignId, at, sourceId, perSource, mix, seed, avoidOps,
                    prefer));
            so.add(added);
            if (added.error() == null) {
                log.info("Campaign {}: source {} → {} instructions ({}/{} sources)", campaignId, sourceId,
                        added.texts().size(), index + 1, sourceIds.size());
            } else {
                log.warn("Campaign {}: {}", campaignId, added.error());
            }
            retrying(campaignId, () -> updateDiversity(campaignId, so));
        }
        int finished = retrying(campaignId, () -> jdbc.sql("""
                update campaigns set status = case when written = 0 and failed_items > 0 then 'FAILED' else 'DONE' end,
                                     finished_at = now(), lease_owner = null, lease_until = null
                 where id = :id and status = 'RUNNING' and lease_owner = :me""")
                .param("id", campaignId).param("me", lease.owner()).update());
        if (finished == 0) {
            throw new LeaseLost("its lease ran out before it was marked finished");
        }
        log.info("Campaign {} finished: {} instructions", campaignId, so.texts().size());
    }

    /**
     * Writes one source of the campaign, or records why it could not be written, and advances the campaign's cursor
     * past it in the same transaction, if and only if this server still holds the lease and the cursor is at this
     * source. The database's own errors are thrown (to be retried); every other error is the source's.
     */
    private Written writeSource(long campaignId, int index, long sourceId, int perSource, CategoryMix mix, long seed,
                                java.util.Set<String> avoidOps, java.util.Set<String> prefer) {
        try {
            Written written = writeFor(campaignId, index, sourceId, perSource, mix, seed, avoidOps, prefer);
            for (int i = 0; i < written.texts().size(); i++) {
                // after the commit: a rolled-back attempt must not make its own retry look like a near-duplicate
                corpus.added(written.texts().get(i), sourceId, written.vectors().get(i));
            }
            return written;
        } catch (LeaseLost e) {
            throw e;
        } catch (RuntimeException e) {
            if (DatabaseFaults.isUnavailable(e)) {
                throw e;
            }
            String message = "source " + sourceId + ": " + e.getMessage();
            Boolean recorded = tx.execute(s -> advance(campaignId, index) && jdbc.sql("""
                    update campaigns set failed_items = failed_items + 1, error = concat_ws(E'\n', error, :e) where id = :id""")
                    .param("e", message).param("id", campaignId).update() == 1);
            if (!Boolean.TRUE.equals(recorded)) {
                throw new LeaseLost("its lease ran out while source " + sourceId + " failed");
            }
            return Written.failed(message);
        }
    }

    /**
     * Moves the campaign's cursor past source {@code index} and extends the lease, in the caller's transaction; false
     * (and the transaction must write nothing) when this server no longer owns the campaign or the source is done.
     */
    private boolean advance(long campaignId, int index) {
        return jdbc.sql("""
                update campaigns set sources_done = :next, lease_until = now() + make_interval(secs => :lease)
                 where id = :id and status = 'RUNNING' and lease_owner = :me and sources_done = :index""")
                .param("next", index + 1).param("lease", lease.seconds()).param("id", campaignId)
                .param("me", lease.owner()).param("index", index).update() == 1;
    }

    private void heartbeat(long campaignId, AtomicBoolean leaseLost) {
        try {
            int held = jdbc.sql("""
                    update campaigns set lease_until = now() + make_interval(secs => :lease)
                     where id = :id and status = 'RUNNING' and lease_owner = :me""")
                    .param("lease", lease.seconds()).param("id", campaignId).param("me", lease.owner()).update();
            if (held == 0) {
                leaseLost.set(true);
            }
        } catch (RuntimeException e) {
            log.warn("Campaign {}: could not extend its lease ({}); trying again in a moment", campaignId, e.getMessage());
        }
    }

    private void fail(long campaignId, RuntimeException e) {
        try {
            jdbc.sql("""
                    update campaigns set status = 'FAILED', finished_at = now(), lease_owner = null, lease_until = null,
                                         error = concat_ws(E'\n', error, :e)
                     where id = :id and status = 'RUNNING' and lease_owner = :me""")
                    .param("e", "writing failed: " + e).param("id", campaignId).param("me", lease.owner()).update();
        } catch (RuntimeException failed) {
            log.warn("Campaign {}: could not be marked FAILED ({}); it is taken over when its lease runs out",
                    campaignId, failed.getMessage());
        }
    }

    /** Ends this server's lease now, so the next poll (here or elsewhere) resumes the campaign; best effort. */
    private void handBack(long campaignId) {
        try {
            jdbc.sql("update campaigns set lease_until = now() where id = :id and status = 'RUNNING' and lease_owner = :me")
                    .param("id", campaignId).param("me", lease.owner()).update();
        } catch (RuntimeException e) {
            log.warn("Campaign {}: could not hand its lease back ({}); it is taken over when the lease runs out",
                    campaignId, e.getMessage());
        }
    }

    /**
     * Runs a step, trying it again while the database is unavailable, for up to {@code databaseRetry}: each try is a
     * whole transaction, so a failed one left nothing behind.
     */
    private <T> T retrying(long campaignId, Supplier<T> step) {
        long deadline = System.nanoTime() + databaseRetry.toNanos();
        long waitMs = 250;
        while (true) {
            try {
                return step.get();
            } catch (RuntimeException e) {
                if (!DatabaseFaults.isUnavailable(e) || System.nanoTime() - deadline > 0 || stopping) {
                    throw e;
                }
                log.warn("Campaign {}: the database is unavailable ({}); trying again in {} ms", campaignId, e.getMessage(), waitMs);
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waitMs = Math.min(waitMs * 2, 5_000);
            }
        }
    }

    /** The campaign's instructions written so far, in order: what its diversity report covers after a takeover. */
    private Written writtenSoFar(long campaignId) {
        Written so = Written.none();
        jdbc.sql("select text, embedding, category from instructions where campaign_id = :id order by id")
                .param("id", campaignId)
                .query(rs -> {
                    java.sql.Array array = rs.getArray(2);
                    float[] vector = new float[0];
                    if (array != null) {
                        Object[] values = (Object[]) array.getArray();
                        vector = new float[values.length];
                        for (int i = 0; i < values.length; i++) {
                            vector[i] = ((Number) values[i]).floatValue();
                        }
                    }
                    so.texts().add(rs.getString(1));
                    so.vectors().add(vector);
                    so.categories().add(Category.valueOf(rs.getString(3)));
                });
        return so;
    }

    /** Instructions written (by one source, or by the campaign so far), or why a source wrote none. */
    private record Written(List<String> texts, List<float[]> vectors, List<Category> categories, @Nullable String error) {
        static Written none() {
            return new Written(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), null);
        }

        static Written failed(String error) {
            return new Written(List.of(), List.of(), List.of(), error);
        }

        void add(Written more) {
            texts.addAll(more.texts());
            vectors.addAll(more.vectors());
            categories.addAll(more.categories());
        }
    }

    /** This server no longer owns the campaign: another took it over, or it finished or was cancelled meanwhile. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message, null, false, false);
        }
    }

    private Written writeFor(long campaignId, int index, long sourceId, int perSource, CategoryMix mix, long seed,
                             java.util.Set<String> avoidOps, java.util.Set<String> prefer) {
        String status = jdbc.sql("select status from sources where id = :id").param("id", sourceId).query(String.class)
                .optional().orElseThrow(() -> new IllegalArgumentException("no such source"));
        if (!status.equals("READY")) {
            throw new IllegalStateException(status.equals("QUARANTINED")
                    ? "quarantined by the probe filters; an admin releases it before campaigns use it"
                    : "not ready (status " + status + "); probe it first");
        }
        List<Clip> clips = jdbc.sql("""
                select id, blob_key, size_bytes, width, height, frames, fps from source_assets
                where source_id = :id and kind = 'CLIP' order by clip_index""").param("id", sourceId)
                .query((rs, i) -> new Clip(rs.getLong(1), new BlobRef(rs.getString(2), rs.getLong(3), "video/mp4"),
                        new VideoFormat(rs.getInt(4), rs.getInt(5), rs.getInt(6), (int) Math.round(rs.getDouble(7)))))
                .list();
        if (clips.isEmpty()) {
            throw new IllegalStateException("has no clips");
        }
        SourceFacts facts = corpus.find(String.valueOf(sourceId)).orElseThrow();
        Selection selection = engines.selector().select(facts, mix, perSource, seed * 31 + sourceId, avoidOps, prefer);
        Written written = tx.execute(s -> {
            if (!advance(campaignId, index)) {
                throw new LeaseLost("it is no longer this server's to write (source " + sourceId + ")");
            }
            Written w = Written.none();
            for (int i = 0; i < selection.chosen().size(); i++) {
                InstructionDraft draft = selection.chosen().get(i);
                float[] vector = selection.vectors().get(i);
                Clip clip = clips.get(i % clips.size());
                Optional<Long> instructionId = jdbc.sql("""
                        insert into instructions (source_id, clip_id, campaign_id, category, text, edit_spec, engine, model,
                                                  prompt_version, seed, embedding)
                        values (:source, :clip, :campaign, :category, :text, cast(:spec as jsonb), :engine, :model, :pv, :seed, :vec)
                        on conflict (clip_id, lower(text)) do nothing returning id""")
                        .param("source", sourceId).param("clip", clip.id()).param("campaign", campaignId)
                        .param("category", draft.category().name()).param("text", draft.instruction())
                        .param("spec", json.writeValueAsString(draft.edit())).param("engine", draft.engine())
                        .param("model", draft.model()).param("pv", draft.promptVersion()).param("seed", draft.edit().seed())
                        .param("vec", boxed(vector))
                        .query(Long.class).optional();
                if (instructionId.isEmpty()) {
                    continue;
                }
                long sampleId = jdbc.sql("""
                        insert into samples (source_id, clip_id, instruction_id, campaign_id, category)
                        values (:source, :clip, :instruction, :campaign, :category) returning id""")
                        .param("source", sourceId).param("clip", clip.id()).param("instruction", instructionId.get())
                        .param("campaign", campaignId).param("category", draft.category().name())
                        .query(Long.class).single();
                JobPayload payload = new GeneratePayload(JobPayload.CURRENT_VERSION, sampleId, clip.id(), instructionId.get(),
                        clip.video(), draft.instruction(), draft.edit(), clip.format(), backendSettings.forNewJob());
                jobs.enqueue(JobType.GENERATE, payload, 0, sourceId, sampleId);
                outbox.changed(Outbox.Aggregate.SAMPLE, sampleId);
                w.texts().add(draft.instruction());
                w.vectors().add(vector);
                w.categories().add(draft.category());
            }
            int dropped = selection.rejectedNearDuplicateInBatch() + selection.rejectedNearDuplicateInCorpus();
            jdbc.sql("update campaigns set written = written + :n, deduplicated = deduplicated + :d where id = :id")
                    .param("n", w.texts().size()).param("d", dropped).param("id", campaignId).update();
            return w;
        });
        return java.util.Objects.requireNonNull(written);
    }

    private int updateDiversity(long campaignId, Written so) {
        DiversityReport report = DiversityReport.of(so.texts(), so.vectors(), so.categories());
        return jdbc.sql("update campaigns set diversity = cast(:d as jsonb) where id = :id")
                .param("d", json.writeValueAsString(report)).param("id", campaignId).update();
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private record Clip(long id, BlobRef video, VideoFormat format) {}
}
