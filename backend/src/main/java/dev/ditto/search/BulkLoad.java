package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.TranslogDurability;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The settings a bulk load runs under and how it ends: while an index version is filled (a reindex, the benchmark)
 * it has no refresh, no replicas and an asynchronous translog, since a failed load is simply thrown away and rebuilt
 * from PostgreSQL; afterwards the live settings come back and the segments are force-merged, so the version goes live
 * with a few large HNSW graphs instead of dozens of small ones (each kNN query searches every segment's graph).
 * Shared by {@link SampleIndex} and the search benchmark so both measure one path.
 */
public final class BulkLoad {
    private static final Duration MERGE_POLL = Duration.ofSeconds(10);

    private BulkLoad() {}

    /** Restores refresh, replicas and a durable translog on {@code index}, then makes everything searchable. */
    public static void finish(ElasticsearchClient client, String index, int replicas) throws IOException {
        client.indices().putSettings(p -> p.index(index).settings(s -> s.refreshInterval(t -> t.time("1s"))
                .numberOfReplicas(String.valueOf(replicas)).translog(t -> t.durability(TranslogDurability.Request))));
        client.indices().refresh(r -> r.index(index));
    }

    /**
     * Force-merges {@code index} down to at most {@code maxSegments} segments and waits for it, however long it takes
     * (minutes for a million vectors on two cores), polling its task so no HTTP request outlives the client's timeout;
     * {@code elapsedSeconds} hears how long it has been running at every poll.
     */
    public static void forceMerge(ElasticsearchClient client, String index, int maxSegments, LongConsumer elapsedSeconds)
            throws IOException {
        long t0 = System.nanoTime();
        String task = client.indices().forcemerge(f -> f.index(index).maxNumSegments((long) maxSegments)
                .waitForCompletion(false)).task();
        if (task == null) {
            return;
        }
        long pauseMillis = 100;
        while (!client.tasks().get(t -> t.taskId(task)).completed()) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the force-merge of " + index, e);
            }
            pauseMillis = Math.min(MERGE_POLL.toMillis(), pauseMillis * 2);
            elapsedSeconds.accept((System.nanoTime() - t0) / 1_000_000_000L);
        }
        client.indices().refresh(r -> r.index(index));
    }
}
