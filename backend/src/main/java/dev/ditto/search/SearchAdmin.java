package dev.ditto.search;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Operations on the search index: its status, and a zero-downtime rebuild from PostgreSQL. The rebuild writes a
 * new index version while the old one keeps serving, then replays the outbox events written or processed meanwhile,
 * swaps the alias atomically, replays once more what slipped into the old index just before the swap, and deletes
 * the old version. One rebuild runs at a time across all replicas (a PostgreSQL advisory lock).
 */
@Service
public class SearchAdmin {
    private static final Logger log = LoggerFactory.getLogger(SearchAdmin.class);
    /** Advisory-lock key of the rebuild ("SRCI", 1); sample writes lock in another namespace. */
    private static final int LOCK_NAMESPACE = 0x53524349;
    private static final int REINDEX_LOCK = 1;
    /** Replays reach this far back, so a batch that committed late is never skipped. */
    private static final Duration REPLAY_MARGIN = Duration.ofMinutes(1);

    private final SampleIndex index;
    private final SampleDocuments documents;
    private final OutboxIndexer indexer;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final SearchProperties.Reindex settings;
    private final SampleSearch search;
    private final SearchProperties.Warmup warmup;

    SearchAdmin(SampleIndex index, SampleDocuments documents, OutboxIndexer indexer, DataSource dataSource,
                JdbcClient jdbc, SearchProperties properties, SampleSearch search) {
        this.index = index;
        this.documents = documents;
        this.indexer = indexer;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.settings = properties.reindex();
        this.search = search;
        this.warmup = properties.warmup();
    }

    /** The live index, its document count, PostgreSQL's sample count and the outbox lag. */
    public SearchStatus status() {
        try {
            index.ensureAlias();
            String live = index.currentIndex().orElse(null);
            return new SearchStatus(index.alias(), live, live == null ? 0 : index.count(live), documents.count(), indexer.lag());
        } catch (IOException e) {
            throw SearchUnavailableException.of(e);
        }
    }

    /**
     * Rebuilds the index from PostgreSQL into a new version and makes it live; searches and the indexer keep
     * working throughout.
     *
     * @throws ReindexInProgressException when another rebuild holds the lock
     */
    public ReindexReport reindex() {
        long started = System.nanoTime();
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "pg_try_advisory_lock")) {
                throw new ReindexInProgressException();
            }
            try {
                return rebuild(started);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reindex could not take its lock in PostgreSQL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw SearchUnavailableException.of(e);
        }
    }

    private ReindexReport rebuild(long started) throws IOException {
        Instant since = dbNow().minus(REPLAY_MARGIN);
        String previous = index.currentIndex().orElse(null);
        String next = index.versionName(index.nextVersion());
        log.info("Reindex: building {} from PostgreSQL (live index: {})", next, previous);
        index.createVersion(next, true);
        try {
            long loaded = bulkLoad(next);
            index.finishBulkLoad(next, settings.forceMergeSegments());
            Instant pass = indexer.replaySince(next, since).minus(REPLAY_MARGIN);
            pass = indexer.replaySince(next, pass).minus(REPLAY_MARGIN);
            BulkLoad.refresh(index.client(), next, BulkLoad.REFRESH_TIMEOUT);
            int warmed = search.warm(next, warmup.duration(), warmup.searchesFor(index.count(next)));
            index.swapAlias(previous, next);
            indexer.replaySince(next, pass);
            if (previous != null) {
                index.delete(previous);
            }
            BulkLoad.refresh(index.client(), next, BulkLoad.REFRESH_TIMEOUT);
            long indexed = index.count(next);
            long samples = documents.count();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            log.info("Reindex: {} is live with {} documents ({} samples in PostgreSQL), {} ms", next, indexed, samples, tookMs);
            return new ReindexReport(previous, next, loaded, indexed, samples, warmed, tookMs);
        } catch (IOException | RuntimeException e) {
            if (!next.equals(index.currentIndex().orElse(null))) {
                try {
                    index.delete(next);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /**
     * Streams every sample from PostgreSQL in id order, a batch per query, into {@code target}, with up to
     * {@code concurrency} bulk requests in flight while the next batch is read.
     */
    private long bulkLoad(String target) {
        long total = Math.max(1, documents.count());
        AtomicLong loaded = new AtomicLong();
        long after = 0;
        long t0 = System.nanoTime();
        long lastLog = t0;
        int concurrency = Math.max(1, settings.concurrency());
        Semaphore slots = new Semaphore(concurrency);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().name("reindex-bulk-", 1).factory())) {
            while (failure.get() == null) {
                List<Long> ids = documents.idsAfter(after, settings.batchSize());
                if (ids.isEmpty()) {
                    break;
                }
                Map<Long, Map<String, Object>> docs = documents.load(ids);
                List<SampleIndex.Write> writes = new ArrayList<>(docs.size());
                docs.forEach((id, doc) -> writes.add(new SampleIndex.Upsert(id, doc)));
                after = ids.getLast();
                slots.acquireUninterruptibly();
                writers.execute(() -> {
                    try {
                        Map<Long, String> failed = index.write(target, writes);
                        if (!failed.isEmpty()) {
                            var first = failed.entrySet().iterator().next();
                            throw new IllegalStateException("reindex could not write " + failed.size() + " samples to "
                                    + target + "; sample " + first.getKey() + ": " + first.getValue());
                        }
                        loaded.addAndGet(writes.size());
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        slots.release();
                    }
                });
                long now = System.nanoTime();
                if (now - lastLog > 10_000_000_000L) {
                    lastLog = now;
                    long n = loaded.get();
                    double rate = n / ((now - t0) / 1e9);
                    log.info("Reindex: {} / ~{} samples ({} /s, ETA {} s)", n, total, Math.round(rate),
                            Math.round(Math.max(0, total - n) / Math.max(rate, 1)));
                }
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return loaded.get();
    }

    private Instant dbNow() {
        return jdbc.sql("select clock_timestamp()").query(Timestamp.class).single().toInstant();
    }

    private static boolean advisoryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select " + function + "(?, ?)")) {
            st.setInt(1, LOCK_NAMESPACE);
            st.setInt(2, REINDEX_LOCK);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
