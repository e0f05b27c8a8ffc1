package dev.ditto.samples;

import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.FramePair;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.Score;
import dev.ditto.agent.judge.Verdict;
import dev.ditto.blobs.BlobStore;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.FrameStrips;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Judges generated samples outside the runner's completion, so a slow or failing model server never holds a
 * runner up: below the thresholds a sample is auto-rejected with the reason kept; otherwise it joins the
 * curators' queue. The judge sees the key frames and, where the runner sent them, frames across the clip (the
 * sample's {@code frame_strips}, cut into frame pairs with the edit's mask). The raw per-criterion scores are kept
 * with the judge's engine, model and prompt version. A remote
 * model's call (up to its timeout and retries) happens outside any transaction, under a lease
 * ({@code ditto.judge.lease-seconds}), so several servers judge side by side and none holds a row lock while it waits.
 */
@Component
class JudgeWorker {
    private static final Logger log = LoggerFactory.getLogger(JudgeWorker.class);
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Judge judge;
    private final BlobStore blobs;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final int leaseSeconds;
    private final boolean enabled;
    private final java.util.function.DoubleSupplier reviewShare;
    /** Who holds a judge lease: this server process. */
    private final String owner = "judge-" + java.util.UUID.randomUUID();
    static final int MAX_ATTEMPTS = 3;

    JudgeWorker(JdbcClient jdbc, TransactionTemplate tx, Judge judge, BlobStore blobs, Outbox outbox, ObjectMapper json,
                int leaseSeconds) {
        this(jdbc, tx, judge, blobs, outbox, json, leaseSeconds, true, () -> 0.0);
    }

    @org.springframework.beans.factory.annotation.Autowired
    JudgeWorker(JdbcClient jdbc, TransactionTemplate tx, Judge judge, BlobStore blobs, Outbox outbox, ObjectMapper json,
                @Value("${ditto.judge.lease-seconds:600}") int leaseSeconds, @Value("${ditto.judge.enabled:true}") boolean enabled,
                dev.ditto.campaigns.AgentEngines engines) {
        this(jdbc, tx, judge, blobs, outbox, json, leaseSeconds, enabled, () -> engines.properties().judgeReviewShare());
    }

    JudgeWorker(JdbcClient jdbc, TransactionTemplate tx, Judge judge, BlobStore blobs, Outbox outbox, ObjectMapper json,
                int leaseSeconds, boolean enabled, java.util.function.DoubleSupplier reviewShare) {
        this.reviewShare = reviewShare;
        this.enabled = enabled;
        this.leaseSeconds = leaseSeconds;
        this.jdbc = jdbc;
        this.tx = tx;
        this.judge = judge;
        this.blobs = blobs;
        this.outbox = outbox;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${ditto.judge.poll-ms:1000}", initialDelay = 1000)
    void judgeWaiting() {
        while (enabled && judgeOne()) {
            // keep going while samples wait
        }
    }

    /**
     * Judges one waiting sample; false when none waits. Three steps, none holding a lock across the model call:
     * claim the sample with a lease (one statement), call the judge, then write the verdict only if the lease is
     * still this server's (a server that outlived its lease finds the sample taken over and writes nothing).
     */
    boolean judgeOne() {
        Optional<Long> claimed = jdbc.sql("""
                update samples set judge_lease_owner = :me, judge_lease_until = now() + make_interval(secs => :lease),
                       judge_attempts = judge_attempts + 1
                where id = (select id from samples
                            where status = 'JUDGING' and (judge_lease_until is null or judge_lease_until < now())
                            order by id limit 1 for update skip locked)
                returning id""")
                .param("me", owner).param("lease", leaseSeconds).query(Long.class).optional();
        if (claimed.isEmpty()) {
            return false;
        }
        long id = claimed.get();
        Pending p = jdbc.sql("""
                select sm.id, i.text, i.edit_spec::text, sm.metrics::text, sm.keyframe_blob_key,
                       (select k.blob_key from source_assets k where k.parent_id = sm.clip_id and k.kind = 'KEY_FRAME' limit 1),
                       (select (c.scores ->> 'brisque')::float8 from source_assets c where c.id = sm.clip_id),
                       sm.judge_attempts, sm.frame_strips::text
                from samples sm join instructions i on i.id = sm.instruction_id where sm.id = :id""")
                .param("id", id)
                .query((rs, i) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), (Double) rs.getObject(7), rs.getInt(8), rs.getString(9)))
                .single();
        if (p.attempts() > MAX_ATTEMPTS) {
            // the judge was claimed this often and never wrote a verdict: its server died during the call each time
            write(p.id(), SampleStatus.IN_REVIEW, Map.of("error", "the judge did not finish in " + MAX_ATTEMPTS
                    + " attempts (its server stopped during the call); decide it yourself"), null, null, null);
            return true;
        }
        try {
            Map<String, Double> metrics = new LinkedHashMap<>(json.readValue(p.metrics(), new TypeReference<Map<String, Double>>() {}));
            if (p.sourceBrisque() != null) {
                metrics.put("source_brisque", p.sourceBrisque()); // the probe's score of the same clip, so quality is judged relative to it
            }
            Verdict verdict = judge.judge(new JudgeInput(String.valueOf(p.id()), p.instruction(),
                    json.readValue(p.editSpec(), EditSpec.class), read(p.sourceKeyFrame()), read(p.editedKeyFrame()), metrics,
                    frames(p.frameStrips())));
            boolean accepted = verdict.accepted();
            Map<String, Object> stored = toJson(verdict);
            // a share of would-be auto-rejects goes to the curators, marked, so calibration sees both sides
            boolean sample = !accepted && calibrationSample(p.id(), reviewShare.getAsDouble());
            if (sample) {
                stored.put("calibrationSample", true);
            }
            write(p.id(), accepted || sample ? SampleStatus.IN_REVIEW : SampleStatus.AUTO_REJECTED, stored, verdict.overall(),
                    verdict.engine() + "/" + verdict.model(), accepted || sample ? null : "judge: " + verdict.reason());
        } catch (RuntimeException | IOException e) {
            // a judge that cannot decide leaves the decision to a person, with the reason visible
            log.warn("Judging sample {} failed: {}", p.id(), e.getMessage());
            write(p.id(), SampleStatus.IN_REVIEW, Map.of("error", String.valueOf(e.getMessage())), null, null, null);
        }
        return true;
    }

    /** Writes the outcome if this server still holds the sample's lease; the index hears of it in the same transaction. */
    private void write(long id, SampleStatus status, Map<String, ?> verdict, @Nullable Double score, @Nullable String engine,
                       @Nullable String reason) {
        Boolean written = tx.execute(s -> {
            int updated = jdbc.sql("""
                    update samples set status = :status, verdict = cast(:verdict as jsonb),
                           judge_score = coalesce(:score, judge_score), judge_engine = coalesce(:engine, judge_engine),
                           reject_reason = :reason, judge_lease_owner = null, judge_lease_until = null, updated_at = now()
                    where id = :id and status = 'JUDGING' and judge_lease_owner = :me""")
                    .param("status", status.name()).param("verdict", json.writeValueAsString(verdict))
                    .param("score", score).param("engine", engine).param("reason", reason)
                    .param("id", id).param("me", owner).update();
            if (updated == 1) {
                outbox.changed(Outbox.Aggregate.SAMPLE, id);
            }
            return updated == 1;
        });
        if (!Boolean.TRUE.equals(written)) {
            log.warn("Sample {}: the judge's lease ran out during the call and the sample was taken over; verdict dropped", id);
        }
    }

    /** The frame pairs across the clip from the stored strips; none for samples whose runner sent no strips. */
    private List<FramePair> frames(@Nullable String strips) throws IOException {
        if (strips == null) {
            return List.of();
        }
        FrameStrips s = json.readValue(strips, FrameStrips.class);
        return FramePair.fromSheets(s.frames(), read(s.source().key()), read(s.edited().key()),
                s.mask() == null ? new byte[0] : read(s.mask().key()));
    }

    private byte[] read(String key) throws IOException {
        if (key == null) {
            return new byte[0];
        }
        try (InputStream in = blobs.open(key)) {
            return in.readAllBytes();
        }
    }

    /**
     * Whether a would-be auto-reject goes to review for calibration: a fixed share of samples, chosen by a hash of the
     * id (repeatable: judging the same sample again makes the same choice), independent of its scores.
     */
    static boolean calibrationSample(long sampleId, double share) {
        if (share <= 0) {
            return false;
        }
        long h = sampleId * 0x9E3779B97F4A7C15L;
        h ^= (h >>> 32);
        return Math.floorMod(h, 10_000L) < Math.round(share * 10_000);
    }

    static Map<String, Object> toJson(Verdict verdict) {
        Map<String, Object> scores = new LinkedHashMap<>();
        for (Criterion c : Criterion.values()) {
            Score s = verdict.score(c);
            scores.put(c.wireName(), Map.of("score", s.value(), "reason", s.reason()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scores", scores);
        out.put("overall", verdict.overall());
        out.put("decision", verdict.decision().name());
        out.put("reason", verdict.reason() == null ? "" : verdict.reason());
        out.put("engine", verdict.engine());
        out.put("model", verdict.model());
        out.put("promptVersion", verdict.promptVersion());
        return out;
    }

    private record Pending(long id, String instruction, String editSpec, String metrics, String editedKeyFrame,
                           String sourceKeyFrame, @Nullable Double sourceBrisque, int attempts, @Nullable String frameStrips) {}
}
