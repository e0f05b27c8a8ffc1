package dev.ditto.sources;

import dev.ditto.jobs.CompletedJob;
import dev.ditto.jobs.InvalidResultException;
import dev.ditto.jobs.JobResultHandler;
import dev.ditto.jobs.ParkedJob;
import dev.ditto.outbox.Outbox;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.search.ClipIndex;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Stores what a PROBE found: the source's metadata, each normalised clip with its key frame, thumbnail and caption
 * frames, per-clip scores, perceptual hash (hex and 64-bit, for the band index) and embedding (also indexed in
 * Elasticsearch's clip index, {@link ClipIndex}), and the source's aggregated scores
 * and tags. The source becomes READY, or QUARANTINED with the reasons when its scores or clip hashes break one of the
 * probe filters ({@link SourceFilters}); either way it then waits for its caption (PENDING, unless a person already
 * wrote one). A parked PROBE marks the source FAILED with
 * the runner's error, so a person sees why.
 */
@Component
class ProbeResultHandler implements JobResultHandler {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Outbox outbox;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProbeResultHandler.class);
    private final SourceFilters filters;
    private final ClipIndex clipIndex;

    ProbeResultHandler(JdbcClient jdbc, ObjectMapper json, Outbox outbox, SourceFilters filters, ClipIndex clipIndex) {
        this.jdbc = jdbc;
        this.json = json;
        this.outbox = outbox;
        this.filters = filters;
        this.clipIndex = clipIndex;
    }

    static Float @Nullable [] boxed(float @Nullable [] v) {
        if (v == null) {
            return null;
        }
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Override
    public JobType type() {
        return JobType.PROBE;
    }

    @Override
    public void completed(CompletedJob job) {
        if (!(job.payload() instanceof ProbePayload payload) || !(job.result() instanceof ProbeResult result)) {
            throw new InvalidResultException(job.jobId(), "PROBE job " + job.jobId() + " completed with a " + job.result().getClass().getSimpleName());
        }
        long sourceId = payload.sourceId();
        VideoFormat format = payload.format();
        if (result.clips().isEmpty()) {
            markFailed(sourceId, "The probe produced no clip: the video is shorter than one "
                    + format.frames() + "-frame clip at " + format.fps() + " fps, or has no decodable frames.");
            return;
        }
        List<ClipIndex.ClipVector> vectors = new java.util.ArrayList<>();
        for (ClipResult clip : result.clips()) {
            long clipId = jdbc.sql("""
                    insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, start_s, end_s,
                                               width, height, frames, fps, scores, phash, phash64, caption_frames, embedding)
                    values (:source, 'CLIP', :index, :key, :size, 'video/mp4', :start, :end, :w, :h, :frames, :fps,
                            cast(:scores as jsonb), :phash, :phash64, cast(:captionFrames as text[]), cast(:embedding as real[]))
                    on conflict (source_id, clip_index) where kind = 'CLIP' do nothing returning id""")
                    .param("source", sourceId).param("index", clip.index()).param("key", clip.video().key())
                    .param("size", clip.video().size()).param("start", clip.startSeconds()).param("end", clip.endSeconds())
                    .param("w", format.width()).param("h", format.height()).param("frames", format.frames())
                    .param("fps", (double) format.fps()).param("scores", json.writeValueAsString(clip.scores()))
                    .param("phash", clip.perceptualHash()).param("phash64", PhashIndex.parse(clip.perceptualHash()))
                    .param("captionFrames", clip.keyFrames() == null ? null
                            : clip.keyFrames().stream().map(b -> b.key()).toArray(String[]::new))
                    .param("embedding", boxed(clip.embedding()))
                    .query(Long.class).optional().orElse(-1L);
            if (clipId < 0) {
                continue;
            }
            if (clip.embedding() != null) {
                vectors.add(new ClipIndex.ClipVector(sourceId, clipId, clip.embedding()));
            }
            insertChild(sourceId, clipId, "KEY_FRAME", clip.keyFrame().key(), clip.keyFrame().size());
            insertChild(sourceId, clipId, "THUMBNAIL", clip.thumbnail().key(), clip.thumbnail().size());
        }
        Map<String, Double> scores = aggregate(result.clips());
        List<Long> hashes = result.clips().stream().map(c -> PhashIndex.parse(c.perceptualHash()))
                .filter(java.util.Objects::nonNull).distinct().toList();
        List<String> reasons = filters.reasons(filters.thresholds(), sourceId, scores, hashes,
                vectors.stream().map(ClipIndex.ClipVector::embedding).toList(), null);
        try {
            // searchable before the decision lock is released, so the next look-alike's probe sees these clips
            clipIndex.index(vectors);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("Source {}: clip embeddings not indexed yet ({}); the clip index sweep adds them later", sourceId,
                    e.getMessage());
        }
        jdbc.sql("""
                update sources set status = :status, quarantine_reasons = :reasons, released_by = null, released_at = null,
                       duration_s = :duration, fps = :fps, width = :w, height = :h, codec = :codec,
                       tags = :tags, scores = cast(:scores as jsonb), error = null, updated_at = now(),
                       caption_status = case when caption_status = 'EDITED' then 'EDITED' else 'PENDING' end,
                       caption_attempts = 0, caption_error = null, caption_lease_token = null, caption_lease_until = null
                where id = :id""")
                .param("duration", result.durationSeconds()).param("fps", result.fps()).param("w", result.width())
                .param("h", result.height()).param("codec", result.codec())
                .param("tags", result.tags().toArray(String[]::new))
                .param("scores", json.writeValueAsString(scores))
                .param("status", reasons.isEmpty() ? "READY" : "QUARANTINED").param("reasons", reasons.toArray(String[]::new))
                .param("id", sourceId).update();
        outbox.changed(Outbox.Aggregate.SOURCE, sourceId);
    }

    @Override
    public void parked(ParkedJob job) {
        if (job.payload() instanceof ProbePayload payload) {
            markFailed(payload.sourceId(), job.error());
        }
    }

    private void markFailed(long sourceId, String error) {
        jdbc.sql("update sources set status = 'FAILED', error = :error, updated_at = now() where id = :id")
                .param("error", error).param("id", sourceId).update();
        outbox.changed(Outbox.Aggregate.SOURCE, sourceId);
    }

    private void insertChild(long sourceId, long clipId, String kind, String key, long size) {
        jdbc.sql("""
                insert into source_assets (source_id, kind, parent_id, blob_key, size_bytes, content_type)
                values (:source, :kind, :parent, :key, :size, 'image/jpeg')""")
                .param("source", sourceId).param("kind", kind).param("parent", clipId).param("key", key).param("size", size)
                .update();
    }

    /** Mean of quality-like scores, max of presence-like ones, over the source's clips. */
    static Map<String, Double> aggregate(List<ClipResult> clips) {
        Map<String, DoubleSummaryStatistics> stats = new TreeMap<>();
        for (ClipResult clip : clips) {
            clip.scores().forEach((k, v) -> {
                if (v != null && Double.isFinite(v)) {
                    stats.computeIfAbsent(k, x -> new DoubleSummaryStatistics()).accept(v);
                }
            });
        }
        Map<String, Double> out = new LinkedHashMap<>();
        stats.forEach((k, s) -> out.put(k, isPresence(k) ? s.getMax() : s.getAverage()));
        return out;
    }

    private static boolean isPresence(String key) {
        return key.equals("people") || key.equals("faces") || key.equals("text_overlay");
    }

}
