package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.TranslogDurability;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings a bulk load runs under and how it ends: while an index version is filled (a reindex, the benchmark)
 * it has no refresh, no replicas and an asynchronous translog, since a failed load is simply thrown away and rebuilt
 * from PostgreSQL; afterwards the live settings come back and the segments are force-merged, so the version goes live
 * with a few large HNSW graphs instead of dozens of small ones (each kNN query searches every segment's graph).
 * Shared by {@link SampleIndex} and the search benchmark so both measure one path.
 */
public final class BulkLoad {
    private static final Logger log = LoggerFactory.getLogger(BulkLoad.class);
    private static final Duration MERGE_POLL = Duration.ofSeconds(10);
    /**
     * How long a refresh that ends a bulk load may take: it writes the last indexing buffer as segments (vector
     * clustering included), which on a busy small node can outlast {@code ditto.search.request-timeout}, a bound
     * meant for searches.
     */
    static final Duration REFRESH_TIMEOUT = Duration.ofMinutes(30);

    private BulkLoad() {}

    /** {@link #finish(ElasticsearchClient, String, int, String)} with a refresh every second. */
    public static void finish(ElasticsearchClient client, String index, int replicas) throws IOException {
        finish(client, index, replicas, "1s");
    }

    /**
     * Restores refresh (every {@code refreshInterval}, an Elasticsearch time value), replicas and a durable translog
     * on {@code index}, then makes everything searchable.
     */
    public static void finish(ElasticsearchClient client, String index, int replicas, String refreshInterval)
            throws IOException {
        client.indices().putSettings(p -> p.index(index).settings(s -> s.refreshInterval(t -> t.time(refreshInterval))
                .numberOfReplicas(String.valueOf(replicas)).translog(t -> t.durability(TranslogDurability.Request))));
        refresh(client, index, REFRESH_TIMEOUT);
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
        refresh(client, index, REFRESH_TIMEOUT);
    }

    /**
     * Refreshes {@code index}, however long it takes up to {@code patience}: a request that times out leaves the
     * refresh running in Elasticsearch, and asking again waits for it (refreshes of a shard run one at a time).
     */
    static void refresh(ElasticsearchClient client, String index, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int asked = 1; ; asked++) {
            try {
                client.indices().refresh(r -> r.index(index));
                return;
            } catch (IOException e) {
                if (!timedOut(e) || System.nanoTime() >= deadline) {
                    throw e;
                }
                log.info("Refreshing {} takes longer than one request may wait; asking again ({})", index, asked + 1);
            }
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
