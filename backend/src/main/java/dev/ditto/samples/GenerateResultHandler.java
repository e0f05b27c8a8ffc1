package dev.ditto.samples;

import dev.ditto.jobs.CompletedJob;
import dev.ditto.jobs.InvalidResultException;
import dev.ditto.jobs.JobResultHandler;
import dev.ditto.jobs.ParkedJob;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Stores a finished GENERATE: the edited video and key frame, the frame strips for the judge (when the runner sent
 * them), the runner's metrics, per-stage timings and provenance; the sample then waits for the judge. The queue calls this once per job outcome, so a late or
 * repeated completion never produces a second sample.
 */
@Component
class GenerateResultHandler implements JobResultHandler {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Outbox outbox;

    GenerateResultHandler(JdbcClient jdbc, ObjectMapper json, Outbox outbox) {
        this.jdbc = jdbc;
        this.json = json;
        this.outbox = outbox;
    }

    @Override
    public JobType type() {
        return JobType.GENERATE;
    }

    @Override
    public void completed(CompletedJob job) {
        if (!(job.payload() instanceof GeneratePayload payload) || !(job.result() instanceof GenerateResult result)) {
            throw new InvalidResultException(job.jobId(), "GENERATE job " + job.jobId() + " completed with a "
                    + job.result().getClass().getSimpleName());
        }
        int updated = jdbc.sql("""
                update samples set status = 'JUDGING', edited_blob_key = :video, edited_size_bytes = :size,
                       keyframe_blob_key = :key, metrics = cast(:metrics as jsonb), timings = cast(:timings as jsonb),
                       provenance = cast(:provenance as jsonb), frame_strips = cast(:strips as jsonb),
                       generated_by = :runner, generated_attempt = :attempt,
                       reject_reason = null, updated_at = now()
                where id = :id and status in ('QUEUED', 'GENERATING', 'FAILED')""")
                .param("video", result.editedVideo().key()).param("size", result.editedVideo().size())
                .param("key", result.editedKeyFrame().key())
                .param("metrics", json.writeValueAsString(result.metrics()))
                .param("timings", json.writeValueAsString(result.timings()))
                .param("provenance", json.writeValueAsString(result.provenance()))
                .param("strips", result.frameStrips() == null ? null : json.writeValueAsString(result.frameStrips()))
                .param("runner", job.runnerId()).param("attempt", job.attempt())
                .param("id", payload.sampleId()).update();
        if (updated == 0) {
            throw new InvalidResultException(job.jobId(), "sample " + payload.sampleId() + " is not waiting for generation");
        }
        outbox.changed(Outbox.Aggregate.SAMPLE, payload.sampleId());
    }

    @Override
    public void parked(ParkedJob job) {
        if (job.payload() instanceof GeneratePayload payload) {
            jdbc.sql("update samples set status = 'FAILED', reject_reason = :e, updated_at = now() where id = :id")
                    .param("e", "generation failed: " + job.error()).param("id", payload.sampleId()).update();
            outbox.changed(Outbox.Aggregate.SAMPLE, payload.sampleId());
        }
    }
}
