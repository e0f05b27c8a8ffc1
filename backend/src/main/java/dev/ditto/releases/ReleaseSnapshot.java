package dev.ditto.releases;

import dev.ditto.agent.InstructionText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database half of building a release: copies the selected samples into {@code release_samples} (what was
 * shipped, so later diffs compare shipped values), inherits shards from the previous version, validates what
 * DiffSynth-Studio will read, and computes the row-level diff.
 */
final class ReleaseSnapshot {
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final ReleaseProperties properties;

    ReleaseSnapshot(DataSource dataSource, ReleaseProperties properties) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.properties = properties;
    }

    /** Inserts the selected accepted samples; returns how many. */
    int take(long releaseId, ReleaseSelection selection) {
        StringBuilder sql = new StringBuilder("""
                insert into release_samples (release_id, sample_id, category, clip_id, instruction, judge_score, verdict_md5,
                                             edited_blob_key, keyframe_blob_key)
                select :rid, s.id, s.category, s.clip_id, i.text, s.judge_score, md5(coalesce(s.verdict::text, '')),
                       s.edited_blob_key, s.keyframe_blob_key
                from samples s join instructions i on i.id = s.instruction_id
                where s.status = 'ACCEPTED' and s.edited_blob_key is not null""");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rid", releaseId);
        if (selection.categories() != null) {
            sql.append(" and upper(s.category) in (:categories)");
            params.put("categories", selection.categories().stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
        }
        if (selection.minJudgeScore() != null) {
            sql.append(" and s.judge_score >= :minScore");
            params.put("minScore", selection.minJudgeScore());
        }
        if (selection.campaignIds() != null) {
            sql.append(" and s.campaign_id in (:campaigns)");
            params.put("campaigns", selection.campaignIds());
        }
        if (selection.sampleIds() != null) {
            sql.append(" and s.id in (:ids)");
            params.put("ids", selection.sampleIds());
        }
        return jdbc.sql(sql.toString()).params(params).update();
    }

    /** Samples whose video is unchanged keep their shard; clips shipped before keep theirs. */
    void inheritShards(long releaseId, long previousId) {
        jdbc.sql("""
                update release_samples r set edited_shard_id = p.edited_shard_id
                from release_samples p
                where r.release_id = :rid and p.release_id = :prev and p.sample_id = r.sample_id
                  and p.edited_blob_key = r.edited_blob_key
                  and p.keyframe_blob_key is not distinct from r.keyframe_blob_key""")
                .param("rid", releaseId).param("prev", previousId).update();
        jdbc.sql("""
                update release_samples r set source_shard_id = p.source_shard_id
                from (select distinct on (clip_id) clip_id, source_shard_id from release_samples
                      where release_id = :prev and source_shard_id is not null order by clip_id, source_shard_id) p
                where r.release_id = :rid and r.clip_id = p.clip_id""")
                .param("rid", releaseId).param("prev", previousId).update();
    }

    /** Every reason DiffSynth-Studio would misread this release, as one message; empty when it is fine. */
    Optional<String> problems(long releaseId) throws Exception {
        List<String> found = new ArrayList<>();
        long badClips = jdbc.sql(badClipsSql("count(*)", "")).params(sizeParams(releaseId)).query(Long.class).single();
        if (badClips > 0) {
            List<String> examples = jdbc.sql(badClipsSql(
                            "rs.sample_id, rs.clip_id, c.width, c.height, c.frames", " order by rs.sample_id limit 10"))
                    .params(sizeParams(releaseId))
                    .query((rs, i) -> "sample " + rs.getLong(1) + " (clip " + rs.getLong(2) + ": "
                            + rs.getObject(3) + "x" + rs.getObject(4) + ", " + rs.getObject(5) + " frames)")
                    .list();
            found.add(badClips + " sample(s) have a clip that is not " + expectedShape()
                    + ", e.g. " + String.join("; ", examples)
                    + ". Re-normalise those sources or leave them out of the selection.");
        }
        List<String> badPrompts = new ArrayList<>();
        long[] badPromptCount = {0};
        Cursor.stream(dataSource, properties.fetchSize(),
                "select sample_id, instruction from release_samples where release_id = ? order by sample_id",
                new Object[] {releaseId}, rs -> {
                    Optional<String> problem = InstructionText.problem(rs.getString(2));
                    if (problem.isPresent()) {
                        badPromptCount[0]++;
                        if (badPrompts.size() < 10) {
                            badPrompts.add("sample " + rs.getLong(1) + ": " + problem.get());
                        }
                    }
                });
        if (badPromptCount[0] > 0) {
            found.add(badPromptCount[0] + " sample(s) have an instruction pandas.read_csv would not read back as text: "
                    + String.join("; ", badPrompts) + ". Rewrite those instructions or leave the samples out.");
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", found));
    }

    private String expectedShape() {
        String size = properties.width() > 0 ? properties.width() + "x" + properties.height() : "a size divisible by 16";
        String frames = properties.frames() > 0 ? properties.frames() + " frames" : "4n+1 frames";
        return size + " with " + frames;
    }

    private Map<String, Object> sizeParams(long releaseId) {
        return Map.of("rid", releaseId, "w", properties.width(), "h", properties.height(), "f", properties.frames());
    }

    private static String badClipsSql(String columns, String tail) {
        return "select " + columns + """
                 from release_samples rs join source_assets c on c.id = rs.clip_id
                where rs.release_id = :rid and not coalesce(
                      c.width % 16 = 0 and c.height % 16 = 0 and c.frames % 4 = 1
                      and (:w = 0 or c.width = :w) and (:h = 0 or c.height = :h) and (:f = 0 or c.frames = :f), false)""" + tail;
    }

    /** Counts by category. */
    Map<String, Long> counts(long releaseId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select category, count(*) from release_samples where release_id = :rid group by category order by category")
                .param("rid", releaseId)
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                })
                ;
        return counts;
    }

    /** The diff from {@code previousId} (none when there is no previous version). */
    ReleaseDiff diff(long releaseId, @Nullable Long previousId, @Nullable String previousVersion) throws Exception {
        if (previousId == null) {
            return ReleaseDiff.none();
        }
        long[] totals = new long[3];
        List<Long> added = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        List<ReleaseDiff.Change> changes = new ArrayList<>();
        Cursor.stream(dataSource, properties.fetchSize(), """
                select coalesce(n.sample_id, o.sample_id), o.sample_id is null, n.sample_id is null,
                       o.instruction is distinct from n.instruction, o.judge_score is distinct from n.judge_score,
                       o.verdict_md5 is distinct from n.verdict_md5,
                       o.edited_blob_key is distinct from n.edited_blob_key
                           or o.keyframe_blob_key is distinct from n.keyframe_blob_key
                from (select * from release_samples where release_id = ?) n
                full join (select * from release_samples where release_id = ?) o on o.sample_id = n.sample_id
                where o.sample_id is null or n.sample_id is null or o.instruction is distinct from n.instruction
                   or o.judge_score is distinct from n.judge_score or o.verdict_md5 is distinct from n.verdict_md5
                   or o.edited_blob_key is distinct from n.edited_blob_key
                   or o.keyframe_blob_key is distinct from n.keyframe_blob_key
                order by 1""", new Object[] {releaseId, previousId}, rs -> {
                    long id = rs.getLong(1);
                    if (rs.getBoolean(2)) {
                        if (totals[0]++ < ReleaseDiff.LISTED) added.add(id);
                    } else if (rs.getBoolean(3)) {
                        if (totals[1]++ < ReleaseDiff.LISTED) removed.add(id);
                    } else if (totals[2]++ < ReleaseDiff.LISTED) {
                        List<String> fields = new ArrayList<>();
                        if (rs.getBoolean(4)) fields.add("instruction");
                        if (rs.getBoolean(5)) fields.add("judge_score");
                        if (rs.getBoolean(6)) fields.add("verdict");
                        if (rs.getBoolean(7)) fields.add("video");
                        changes.add(new ReleaseDiff.Change(id, List.copyOf(fields)));
                    }
                });
        return new ReleaseDiff(previousVersion, totals[0], totals[1], totals[2], List.copyOf(added), List.copyOf(removed),
                List.copyOf(changes));
    }
}
