package dev.ditto.samples;

import dev.ditto.audit.AuditLog;
import dev.ditto.jobs.JobQueue;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Regenerate: queues a sample again from the recorded payload of its own GENERATE job (clip, instruction, operator,
 * parameters, seed, format and any model-server settings the job carried). The repeat is a new sample pointing at the
 * original ({@code regenerated_from}), so both videos stay to compare; on the built-in engine its frames are the
 * original's, frame for frame.
 */
@Service
public class SampleRegeneration {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final JobQueue jobs;
    private final Outbox outbox;
    private final AuditLog audit;

    SampleRegeneration(JdbcClient jdbc, ObjectMapper json, JobQueue jobs, Outbox outbox, AuditLog audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.jobs = jobs;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** What a regeneration queued. */
    public record Regenerated(long sampleId, long regeneratedFrom, long jobId, long seed, String op) {}

    /**
     * Queues {@code sampleId} again. Throws {@link SampleNotFoundException} for an unknown sample and
     * {@link NotRegenerableException} for one that has no recorded GENERATE payload or is still being generated.
     */
    @Transactional
    public Regenerated regenerate(long sampleId) {
        Optional<Original> original = jdbc.sql("""
                select s.source_id, s.clip_id, s.instruction_id, s.campaign_id, s.category, s.status,
                       (select j.payload::text from jobs j where j.sample_id = s.id and j.type = 'GENERATE'
                        order by j.id desc limit 1)
                from samples s where s.id = :id for update""")
                .param("id", sampleId)
                .query((rs, i) -> new Original(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        (Long) rs.getObject(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .optional();
        Original o = original.orElseThrow(() -> new SampleNotFoundException(sampleId));
        if (o.payload() == null) {
            throw new NotRegenerableException("sample " + sampleId + " has no recorded GENERATE job to repeat");
        }
        if (o.status().equals("QUEUED") || o.status().equals("GENERATING")) {
            throw new NotRegenerableException("sample " + sampleId + " is still " + o.status()
                    + "; regenerate it once its video exists");
        }
        long newId = jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, campaign_id, category, regenerated_from)
                values (:source, :clip, :instruction, :campaign, :category, :from) returning id""")
                .param("source", o.sourceId()).param("clip", o.clipId()).param("instruction", o.instructionId())
                .param("campaign", o.campaignId()).param("category", o.category()).param("from", sampleId)
                .query(Long.class).single();
        // the recorded payload as it was, only the sample it belongs to changes: fields this server does not know
        // (a newer runner's settings) travel unchanged
        ObjectNode node = (ObjectNode) json.readTree(o.payload());
        node.put("sampleId", newId);
        JobPayload payload = json.treeToValue(node, JobPayload.class);
        if (!(payload instanceof GeneratePayload generate)) {
            throw new NotRegenerableException("sample " + sampleId + "'s job is not a GENERATE job");
        }
        long jobId = jobs.enqueue(JobType.GENERATE, payload, 0, o.sourceId(), newId);
        outbox.changed(Outbox.Aggregate.SAMPLE, newId);
        long seed = generate.edit() == null ? 0 : generate.edit().seed();
        String op = generate.edit() == null ? "" : generate.edit().op();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("sample", newId);
        after.put("job", jobId);
        after.put("seed", seed);
        after.put("op", op);
        audit.record("sample.regenerate", "sample", sampleId, null, after);
        return new Regenerated(newId, sampleId, jobId, seed, op);
    }

    /** A sample related to another by regeneration: its id, status and judge score. */
    public record Related(long sampleId, String status, @Nullable Double judgeScore) {}

    /** The sample this one repeats (if it is a regeneration) and the regenerations of it, oldest first. */
    public record Lineage(@Nullable Related regeneratedFrom, List<Related> regenerations) {}

    /** The regeneration relatives of {@code sampleId}. */
    @Transactional(readOnly = true)
    public Lineage lineage(long sampleId) {
        Related from = jdbc.sql("""
                select o.id, o.status, o.judge_score from samples s join samples o on o.id = s.regenerated_from
                where s.id = :id""").param("id", sampleId)
                .query((rs, i) -> new Related(rs.getLong(1), rs.getString(2), judgeScore(rs)))
                .optional().orElse(null);
        List<Related> children = jdbc.sql("""
                select id, status, judge_score from samples where regenerated_from = :id order by id""")
                .param("id", sampleId)
                .query((rs, i) -> new Related(rs.getLong(1), rs.getString(2), judgeScore(rs)))
                .list();
        return new Lineage(from, children);
    }

    /** judge_score is a PostgreSQL real: read as a float, null when the judge has not scored. */
    private static @Nullable Double judgeScore(java.sql.ResultSet rs) throws java.sql.SQLException {
        float v = rs.getFloat(3);
        return rs.wasNull() ? null : (double) v;
    }

    private record Original(long sourceId, long clipId, long instructionId, @Nullable Long campaignId, String category,
                            String status, @Nullable String payload) {}

    /** No sample with that id. */
    public static final class SampleNotFoundException extends RuntimeException {
        SampleNotFoundException(long id) {
            super("sample " + id + " does not exist; check the id");
        }
    }

    /** The sample cannot be queued again, with the reason. */
    public static final class NotRegenerableException extends RuntimeException {
        NotRegenerableException(String message) {
            super(message);
        }
    }
}
