package dev.ditto.releases;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The immutable video shards of one release name: numbers new shards after the last one, records a shard when it is
 * opened (so the rows it holds can name it while it is written) and its size and sha256 when it is finished, and
 * answers a shard's path by id.
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

    String path(long shardId) {
        String path = paths.get(shardId);
        if (path == null) {
            throw new IllegalStateException("release " + releaseId + " names shard " + shardId + ", which is not recorded");
        }
        return path;
    }

    /** A shard this release is about to write: its id and path. */
    record Opened(long id, int seq, String path) {}

    /** Records the next shard of {@code shardCategory}; its size and sha256 follow in {@link #finished}. */
    Opened open(String shardCategory) {
        int seq = jdbc.sql("select coalesce(max(seq), 0) + 1 from release_shards where release_name = :n and category = :c")
                .param("n", releaseName).param("c", shardCategory).query(Integer.class).single();
        String path = DatasetLayout.shardPath(shardCategory, seq);
        long id = jdbc.sql("""
                insert into release_shards (release_name, category, seq, path, sha256, size_bytes, entries, first_release_id)
                values (:n, :c, :seq, :path, '', 0, 0, :rid) returning id""")
                .param("n", releaseName).param("c", shardCategory).param("seq", seq).param("path", path)
                .param("rid", releaseId).query(Long.class).single();
        paths.put(id, path);
        return new Opened(id, seq, path);
    }

    void finished(long shardId, HashingOutput.FileDigest digest, int entries) {
        jdbc.sql("update release_shards set sha256 = :sha, size_bytes = :size, entries = :entries where id = :id")
                .param("sha", digest.sha256()).param("size", digest.size()).param("entries", entries).param("id", shardId)
                .update();
    }
}
