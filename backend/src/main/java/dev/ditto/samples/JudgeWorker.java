package dev.ditto.samples;

import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.Score;
import dev.ditto.agent.judge.Verdict;
import dev.ditto.blobs.BlobStore;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.EditSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Judges generated samples outside the runner's completion, so a slow or failing model server never holds a
 * runner up: below the thresholds a sample is auto-rejected with the reason kept; otherwise it joins the
 * curators' queue. The raw per-criterion scores are kept with the judge's engine, model and prompt version.
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

    JudgeWorker(JdbcClient jdbc, TransactionTemplate tx, Judge judge, BlobStore blobs, Outbox outbox, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.judge = judge;
        this.blobs = blobs;
        this.outbox = outbox;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${ditto.judge.poll-ms:1000}", initialDelay = 1000)
    void judgeWaiting() {
        while (Boolean.TRUE.equals(tx.execute(s -> judgeOne()))) {
            // keep going while samples wait
        }
    }

    /** Judges one waiting sample inside the caller's transaction; false when none waits. */
    boolean judgeOne() {
        List<Pending> pending = jdbc.sql("""
                select sm.id, i.text, i.edit_spec::text, sm.metrics::text, sm.keyframe_blob_key,
                       (select k.blob_key from source_assets k where k.parent_id = sm.clip_id and k.kind = 'KEY_FRAME' limit 1),
                       (select (c.scores ->> 'brisque')::float8 from source_assets c where c.id = sm.clip_id)
                from samples sm join instructions i on i.id = sm.instruction_id
                where sm.status = 'JUDGING' order by sm.id limit 1 for update of sm skip locked""")
                .query((rs, i) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), (Double) rs.getObject(7)))
                .list();
        if (pending.isEmpty()) {
            return false;
        }
        Pending p = pending.getFirst();
        try {
            Map<String, Double> metrics = new LinkedHashMap<>(json.readValue(p.metrics(), new TypeReference<Map<String, Double>>() {}));
            if (p.sourceBrisque() != null) {
                metrics.put("source_brisque", p.sourceBrisque()); // the probe's score of the same clip, so quality is judged relative to it
            }
            Verdict verdict = judge.judge(new JudgeInput(String.valueOf(p.id()), p.instruction(),
                    json.readValue(p.editSpec(), EditSpec.class), read(p.sourceKeyFrame()), read(p.editedKeyFrame()), metrics));
            boolean accepted = verdict.accepted();
            jdbc.sql("""
                    update samples set status = :status, verdict = cast(:verdict as jsonb), judge_score = :score,
                           judge_engine = :engine, reject_reason = :reason, updated_at = now()
                    where id = :id""")
                    .param("status", accepted ? "IN_REVIEW" : "AUTO_REJECTED")
                    .param("verdict", json.writeValueAsString(toJson(verdict)))
                    .param("score", verdict.overall()).param("engine", verdict.engine() + "/" + verdict.model())
                    .param("reason", accepted ? null : "judge: " + verdict.reason())
                    .param("id", p.id()).update();
        } catch (RuntimeException | IOException e) {
            // a judge that cannot decide leaves the decision to a person, with the reason visible
            log.warn("Judging sample {} failed: {}", p.id(), e.getMessage());
            jdbc.sql("""
                    update samples set status = 'IN_REVIEW', verdict = cast(:verdict as jsonb), updated_at = now() where id = :id""")
                    .param("verdict", json.writeValueAsString(Map.of("error", String.valueOf(e.getMessage()))))
                    .param("id", p.id()).update();
        }
        outbox.changed(Outbox.Aggregate.SAMPLE, p.id());
        return true;
    }

    private byte[] read(String key) throws IOException {
        if (key == null) {
            return new byte[0];
        }
        try (InputStream in = blobs.open(key)) {
            return in.readAllBytes();
        }
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
                           String sourceKeyFrame, @Nullable Double sourceBrisque) {}
}
