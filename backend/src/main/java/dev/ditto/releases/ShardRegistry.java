package dev.ditto.releases;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The immutable video shards of one release name: numbers new shards after the last one, records each finished
 * shard and the samples (or source clips) it holds, and answers a shard's path by id.
 */
final class ShardRegistry {
    private final JdbcClient jdbc;
    private final String releaseName;
    private final long releaseId;
    private final Map<Long, String> paths = new HashMap<>();

    ShardRegistry(JdbcClient jdbc, String releaseName, long releaseId) {
        this.jdbc = jdbc;
        this.releaseName = releaseName;
        this.releaseId = releaseId;
        jdbc.sql("select id, path from release_shards where release_name = :n").param("n", releaseName)
                .query(rs -> {
                    paths.put(rs.getLong(1), rs.getString(2));
                });
    }

    int nextSeq(String shardCategory) {
        return jdbc.sql("select coalesce(max(seq), 0) + 1 from release_shards where release_name = :n and category = :c")
                .param("n", releaseName).param("c", shardCategory).query(Integer.class).single();
    }

    String path(long shardId) {
        String path = paths.get(shardId);
        if (path == null) {
            throw new IllegalStateException("release " + releaseId + " names shard " + shardId + ", which is not recorded");
        }
        return path;
    }

    /** Records a finished shard of edited videos holding this category's new samples from {@code lo} to {@code hi}. */
    long recordEdited(String category, String shardCategory, int seq, HashingOutput.FileDigest digest, int entries,
                      long lo, long hi) {
        long id = insert(shardCategory, seq, digest, entries);
        jdbc.sql("""
                update release_samples set edited_shard_id = :shard
                where release_id = :rid and category = :cat and edited_shard_id is null and sample_id between :lo and :hi""")
                .param("shard", id).param("rid", releaseId).param("cat", category).param("lo", lo).param("hi", hi).update();
        return id;
    }

    /** Records a finished shard of source clips holding the new clips from {@code lo} to {@code hi}. */
    long recordSources(int seq, HashingOutput.FileDigest digest, int entries, long lo, long hi) {
        long id = insert(DatasetLayout.SOURCE, seq, digest, entries);
        jdbc.sql("""
                update release_samples set source_shard_id = :shard
                where release_id = :rid and source_shard_id is null and clip_id between :lo and :hi""")
                .param("shard", id).param("rid", releaseId).param("lo", lo).param("hi", hi).update();
        return id;
    }

    private long insert(String shardCategory, int seq, HashingOutput.FileDigest digest, int entries) {
        String path = DatasetLayout.shardPath(shardCategory, seq);
        long id = jdbc.sql("""
                insert into release_shards (release_name, category, seq, path, sha256, size_bytes, entries, first_release_id)
                values (:n, :c, :seq, :path, :sha, :size, :entries, :rid) returning id""")
                .param("n", releaseName).param("c", shardCategory).param("seq", seq).param("path", path)
                .param("sha", digest.sha256()).param("size", digest.size()).param("entries", entries)
                .param("rid", releaseId).query(Long.class).single();
        paths.put(id, path);
        return id;
    }
}
