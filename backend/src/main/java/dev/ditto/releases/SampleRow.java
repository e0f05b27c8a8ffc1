package dev.ditto.releases;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * One selected sample joined with its clip and instruction, and the shards the previous version of the release put
 * its edited video and its source clip in (null when this version has to archive them itself).
 */
record SampleRow(long sampleId, String category, long clipId, String instruction, @Nullable Float judgeScore,
                 String verdictMd5, String editedKey, @Nullable Long editedSize, @Nullable String keyframeKey,
                 @Nullable Long inheritedEditedShard, @Nullable Long inheritedSourceShard, long sourceId,
                 long instructionId, @Nullable Long campaignId, String metricsJson, String provenanceJson,
                 @Nullable String verdictJson, @Nullable String judgeEngine, String clipKey, @Nullable Integer width,
                 @Nullable Integer height, @Nullable Integer frames, @Nullable Double fps, String instructionEngine,
                 String instructionModel, String promptVersion) {

    /** The columns {@link #of} reads, in order, from {@code samples s}, {@code instructions i}, {@code source_assets c},
     *  the previous version's row {@code p} and its clip shards {@code pc}. */
    static final String COLUMNS = """
            s.id, s.category, s.clip_id, i.text, s.judge_score, md5(coalesce(s.verdict::text, '')), s.edited_blob_key,
            s.edited_size_bytes, s.keyframe_blob_key,
            case when p.edited_blob_key = s.edited_blob_key and p.keyframe_blob_key is not distinct from s.keyframe_blob_key
                 then p.edited_shard_id end,
            pc.source_shard_id, s.source_id, s.instruction_id, s.campaign_id, s.metrics::text, s.provenance::text,
            s.verdict::text, s.judge_engine, c.blob_key, c.width, c.height, c.frames, c.fps, i.engine, i.model,
            i.prompt_version""";

    static SampleRow of(ResultSet rs) throws SQLException {
        return new SampleRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getObject(5) == null ? null : rs.getFloat(5), rs.getString(6), rs.getString(7),
                rs.getObject(8) == null ? null : rs.getLong(8), rs.getString(9),
                rs.getObject(10) == null ? null : rs.getLong(10), rs.getObject(11) == null ? null : rs.getLong(11),
                rs.getLong(12), rs.getLong(13), rs.getObject(14) == null ? null : rs.getLong(14), rs.getString(15),
                rs.getString(16), rs.getString(17), rs.getString(18), rs.getString(19), (Integer) rs.getObject(20),
                (Integer) rs.getObject(21), (Integer) rs.getObject(22), (Double) rs.getObject(23), rs.getString(24),
                rs.getString(25), rs.getString(26));
    }

    /** The instruction as exported (surrounding white space removed). */
    String prompt() {
        return instruction.strip();
    }
}
