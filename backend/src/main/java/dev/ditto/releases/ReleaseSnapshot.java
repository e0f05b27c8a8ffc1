package dev.ditto.releases;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database half of building a release: turns the selection into a condition on accepted samples, refuses clips
 * DiffSynth-Studio would misread before anything is written, and computes the row-level diff once the files writer
 * has copied the shipped rows into {@code release_samples} (so later diffs compare shipped values).
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

    /** The selection as a condition on {@code samples s} with its parameters, in order of their {@code ?}. */
    record Filter(String sql, List<Object> params) {}

    static Filter filter(ReleaseSelection selection) {
        return filter(selection, "s.status = 'ACCEPTED' and s.edited_blob_key is not null", true);
    }

    /**
     * The selection's decided samples (accepted, rejected, auto-rejected) in its categories, campaigns and sample ids,
     * for acceptance rates: the minimum judge score is the release's cut, not a decision, so it does not apply.
     */
    static Filter decided(ReleaseSelection selection) {
        return filter(selection, "s.status in ('ACCEPTED', 'REJECTED', 'AUTO_REJECTED')", false);
    }

    private static Filter filter(ReleaseSelection selection, String status, boolean minJudgeScore) {
        StringBuilder sql = new StringBuilder(status);
        List<Object> params = new ArrayList<>();
        if (selection.categories() != null) {
            sql.append(" and upper(s.category) = any(?)");
            params.add(selection.categories().stream().map(c -> c.toUpperCase(Locale.ROOT)).toArray(String[]::new));
        }
        if (minJudgeScore && selection.minJudgeScore() != null) {
            sql.append(" and s.judge_score >= ?");
            params.add(selection.minJudgeScore());
        }
        if (selection.campaignIds() != null) {
            sql.append(" and s.campaign_id = any(?)");
            params.add(selection.campaignIds().stream().mapToLong(Long::longValue).toArray());
        }
        if (selection.sampleIds() != null) {
            sql.append(" and s.id = any(?)");
            params.add(selection.sampleIds().stream().mapToLong(Long::longValue).toArray());
        }
        return new Filter(sql.toString(), List.copyOf(params));
    }

    /** What the selection holds before anything is written: how many samples, how many with a key frame. */
    record Preflight(long samples, long withKeyframe) {}

    /**
     * Counts the selection and refuses, before a file is written, clips DiffSynth-Studio would misread (instruction
     * texts are checked row by row as the files are written).
     */
    Preflight preflight(Filter filter) {
        List<Object> p = filter.params();
        Object[] params = p.toArray();
        long[] counts = jdbc.sql("""
                select count(*), count(s.keyframe_blob_key), count(*) filter (where not coalesce(
                       c.width % 16 = 0 and c.height % 16 = 0 and c.frames % 4 = 1
                       and (? = 0 or c.width = ?) and (? = 0 or c.height = ?) and (? = 0 or c.frames = ?), false))
                from samples s join source_assets c on c.id = s.clip_id where\s""" + filter.sql())
                .params(concat(shapeParams(), params))
                .query(rs -> {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                });
        if (counts[2] > 0) {
            List<String> examples = jdbc.sql("""
                    select s.id, s.clip_id, c.width, c.height, c.frames
                    from samples s join source_assets c on c.id = s.clip_id
                    where not coalesce(c.width % 16 = 0 and c.height % 16 = 0 and c.frames % 4 = 1
                          and (? = 0 or c.width = ?) and (? = 0 or c.height = ?) and (? = 0 or c.frames = ?), false)
                      and\s""" + filter.sql() + " order by s.id limit 10")
                    .params(concat(shapeParams(), params))
                    .query((rs, i) -> "sample " + rs.getLong(1) + " (clip " + rs.getLong(2) + ": "
                            + rs.getObject(3) + "x" + rs.getObject(4) + ", " + rs.getObject(5) + " frames)")
                    .list();
            throw new ReleaseException(ReleaseException.Reason.INVALID, counts[2] + " sample(s) have a clip that is not "
                    + expectedShape() + ", e.g. " + String.join("; ", examples)
                    + ". Re-normalise those sources or leave them out of the selection.");
        }
        return new Preflight(counts[0], counts[1]);
    }

    private Object[] shapeParams() {
        int w = properties.width();
        int h = properties.height();
        int f = properties.frames();
        return new Object[] {w, w, h, h, f, f};
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private String expectedShape() {
        String size = properties.width() > 0 ? properties.width() + "x" + properties.height() : "a size divisible by 16";
        String frames = properties.frames() > 0 ? properties.frames() + " frames" : "4n+1 frames";
        return size + " with " + frames;
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
        compare(releaseId, previousId, row -> {
            switch (row.kind()) {
                case ADDED -> {
                    if (totals[0]++ < ReleaseDiff.LISTED) added.add(row.sampleId());
                }
                case REMOVED -> {
                    if (totals[1]++ < ReleaseDiff.LISTED) removed.add(row.sampleId());
                }
                case CHANGED -> {
                    if (totals[2]++ < ReleaseDiff.LISTED) changes.add(new ReleaseDiff.Change(row.sampleId(), row.fields()));
                }
            }
        });
        return new ReleaseDiff(previousVersion, totals[0], totals[1], totals[2], List.copyOf(added), List.copyOf(removed),
                List.copyOf(changes));
    }

    /** One sample that differs between two releases. */
    record DiffRow(long sampleId, ReleaseComparison.Kind kind, List<String> fields) {}

    /** Every sample that differs between {@code releaseId} and {@code otherId}, by sample id, streamed. */
    void compare(long releaseId, long otherId, java.util.function.Consumer<DiffRow> rows) throws Exception {
        Cursor.stream(dataSource, properties, """
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
                order by 1""", new Object[] {releaseId, otherId}, rs -> {
                    long id = rs.getLong(1);
                    if (rs.getBoolean(2)) {
                        rows.accept(new DiffRow(id, ReleaseComparison.Kind.ADDED, List.of()));
                    } else if (rs.getBoolean(3)) {
                        rows.accept(new DiffRow(id, ReleaseComparison.Kind.REMOVED, List.of()));
                    } else {
                        List<String> fields = new ArrayList<>();
                        if (rs.getBoolean(4)) fields.add("instruction");
                        if (rs.getBoolean(5)) fields.add("judge_score");
                        if (rs.getBoolean(6)) fields.add("verdict");
                        if (rs.getBoolean(7)) fields.add("video");
                        rows.accept(new DiffRow(id, ReleaseComparison.Kind.CHANGED, List.copyOf(fields)));
                    }
                });
    }
}
