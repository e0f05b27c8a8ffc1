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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs queued campaigns in the background, one source at a time: the agent writes candidates, the diversity
 * selector keeps distinct ones near the category mix, and each kept instruction becomes a sample with a
 * GENERATE job, all in one transaction per source. The engines are looked up per source, so a settings change
 * reaches a running campaign at its next source. A source that fails (model errors, malformed output after
 * retries) is counted and reported; the campaign goes on.
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

    CampaignWorker(JdbcClient jdbc, TransactionTemplate tx, AgentEngines engines, CorpusInstructions corpus,
                   JobQueue jobs, Outbox outbox, ObjectMapper json, GenerateBackendSettings backendSettings) {
        this.backendSettings = backendSettings;
        this.jdbc = jdbc;
        this.tx = tx;
        this.engines = engines;
        this.corpus = corpus;
        this.jobs = jobs;
        this.outbox = outbox;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${ditto.campaigns.poll-ms:2000}", initialDelay = 2000)
    void runQueued() {
        Optional<Long> next;
        while ((next = claim()).isPresent()) {
            run(next.get());
        }
    }

    private Optional<Long> claim() {
        return jdbc.sql("""
                update campaigns set status = 'RUNNING'
                where id = (select id from campaigns where status = 'QUEUED' order by id limit 1 for update skip locked)
                returning id""").query(Long.class).optional();
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

    void run(long campaignId) {
        JsonNode row = json.readTree(jdbc.sql("""
                select json_build_object('selection', selection, 'perSource', per_source, 'mix', category_mix, 'seed', seed,
                                         'advice', advice)::text
                from campaigns where id = :id""").param("id", campaignId).query(String.class).single());
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

        List<String> texts = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Category> categories = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        log.info("Campaign {}: writing {} instructions for each of {} sources", campaignId, perSource, sourceIds.size());
        int done = 0;
        for (long sourceId : sourceIds) {
            try {
                int written = writeFor(campaignId, sourceId, perSource, mix, seed, avoidOps, prefer, texts, vectors,
                        categories);
                done++;
                log.info("Campaign {}: source {} → {} instructions ({}/{} sources)", campaignId, sourceId, written, done, sourceIds.size());
            } catch (RuntimeException e) {
                done++;
                String message = "source " + sourceId + ": " + e.getMessage();
                errors.add(message);
                log.warn("Campaign {}: {}", campaignId, message);
                jdbc.sql("update campaigns set failed_items = failed_items + 1, error = :e where id = :id")
                        .param("e", String.join("\n", errors)).param("id", campaignId).update();
            }
            updateDiversity(campaignId, texts, vectors, categories);
        }
        jdbc.sql("update campaigns set status = :s, finished_at = now() where id = :id")
                .param("s", texts.isEmpty() && !errors.isEmpty() ? "FAILED" : "DONE").param("id", campaignId).update();
        log.info("Campaign {} finished: {} instructions, {} sources failed", campaignId, texts.size(), errors.size());
    }

    private int writeFor(long campaignId, long sourceId, int perSource, CategoryMix mix, long seed,
                         java.util.Set<String> avoidOps, java.util.Set<String> prefer, List<String> texts,
                         List<float[]> vectors, List<Category> categories) {
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
        Integer written = tx.execute(s -> {
            int n = 0;
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
                corpus.added(draft.instruction(), sourceId, vector);
                texts.add(draft.instruction());
                vectors.add(vector);
                categories.add(draft.category());
                n++;
            }
            int dropped = selection.rejectedNearDuplicateInBatch() + selection.rejectedNearDuplicateInCorpus();
            jdbc.sql("update campaigns set written = written + :n, deduplicated = deduplicated + :d where id = :id")
                    .param("n", n).param("d", dropped).param("id", campaignId).update();
            return n;
        });
        return written == null ? 0 : written;
    }

    private void updateDiversity(long campaignId, List<String> texts, List<float[]> vectors, List<Category> categories) {
        DiversityReport report = DiversityReport.of(texts, vectors, categories);
        jdbc.sql("update campaigns set diversity = cast(:d as jsonb) where id = :id")
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
