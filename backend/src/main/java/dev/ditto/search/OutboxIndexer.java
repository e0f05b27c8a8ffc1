package dev.ditto.search;

import dev.ditto.outbox.Outbox;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drains the transactional outbox into the search index: takes pending events in id order
 * ({@code FOR UPDATE SKIP LOCKED}, so any number of server replicas can drain side by side), resolves them to
 * samples, reads those samples' current rows in one query, bulk-writes them, and marks the events processed.
 * Writes are state-based (index what PostgreSQL holds now, delete what it no longer holds), so replaying an event
 * is harmless; a per-sample advisory lock held from read to write keeps two replicas from writing one sample's
 * older state last. A failed event keeps its attempts and error and waits before its retry (5 s, doubling, capped
 * at {@code ditto.search.indexer.max-retry-delay}).
 */
@Component
public class OutboxIndexer {
    private static final Logger log = LoggerFactory.getLogger(OutboxIndexer.class);
    /** Advisory-lock namespace of sample writes ("SRCH"). */
    private static final int LOCK_NAMESPACE = 0x53524348;
    private static final Duration DRAIN_BUDGET = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SampleIndex index;
    private final SampleDocuments documents;
    private final SearchProperties.Indexer settings;
    private final Clock clock;
    private final SearchActivity searches;
    private volatile Instant lastPrune = Instant.EPOCH;
    private @Nullable ExecutorService extraDrains;

    OutboxIndexer(JdbcClient jdbc, PlatformTransactionManager transactions, SampleIndex index, SampleDocuments documents,
                  SearchProperties properties, Clock clock) {
        this(jdbc, transactions, index, documents, properties, clock, new SearchActivity());
    }

    @Autowired
    OutboxIndexer(JdbcClient jdbc, PlatformTransactionManager transactions, SampleIndex index, SampleDocuments documents,
                  SearchProperties properties, Clock clock, SearchActivity searches) {
        this.searches = searches;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.index = index;
        this.documents = documents;
        this.settings = properties.indexer();
        this.clock = clock;
    }

    /**
     * The scheduler's entry: {@code workers} loops (this thread and {@code workers - 1} others) each drain full batches
     * for up to ten seconds, then old processed events are pruned. The loops take disjoint batches (skip locked) and
     * the per-sample advisory locks order their writes of one sample, exactly as between server replicas.
     */
    @Scheduled(fixedDelayString = "${ditto.search.indexer.interval-ms:1000}",
            initialDelayString = "${ditto.search.indexer.interval-ms:1000}")
    void drainScheduled() {
        if (!settings.enabled()) {
            return;
        }
        long deadline = System.nanoTime() + DRAIN_BUDGET.toNanos();
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < settings.workers(); i++) {
            others.add(extraDrains().submit(() -> drainUntil(deadline)));
        }
        drainUntil(deadline);
        for (var other : others) {
            try {
                other.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                log.warn("Search indexer run failed, will retry: {}", e.getCause().getMessage());
            }
        }
        try {
            pruneProcessed();
        } catch (RuntimeException e) {
            log.warn("Pruning processed outbox events failed, will retry: {}", e.getMessage());
        }
    }

    /** Drains full batches until one is not full, one fails, or the deadline passes. */
    private void drainUntil(long deadline) {
        try {
            DrainResult result;
            do {
                stepAsideForSearches(); // before the batch is taken: no row or advisory lock, no connection held meanwhile
                long started = System.nanoTime();
                result = drainOnce();
                keepPace(result.events(), Duration.ofNanos(System.nanoTime() - started));
            } while (result.events() == settings.batchSize() && result.failedEvents() == 0 && System.nanoTime() < deadline);
        } catch (RuntimeException e) {
            log.warn("Search indexer run failed, will retry: {}", e.getMessage());
        }
    }

    private synchronized ExecutorService extraDrains() {
        if (extraDrains == null) {
            AtomicInteger n = new AtomicInteger(1);
            extraDrains = Executors.newFixedThreadPool(settings.workers() - 1,
                    r -> Thread.ofPlatform().daemon().name("search-indexer-" + n.incrementAndGet()).unstarted(r));
        }
        return extraDrains;
    }

    @PreDestroy
    synchronized void stopExtraDrains() {
        if (extraDrains != null) {
            extraDrains.shutdownNow();
        }
    }

    /** Takes one batch of due events and indexes their samples; failures stay in the outbox for a later retry. */
    public DrainResult drainOnce() {
        DrainResult result = tx.execute(status -> {
            Instant now = clock.instant();
            List<Event> events = jdbc.sql("""
                    select id, aggregate, aggregate_id, event, attempts from outbox
                    where processed_at is null and (next_attempt_at is null or next_attempt_at <= :now)
                    order by id limit :limit for update skip locked""")
                    .param("now", Timestamp.from(now)).param("limit", settings.batchSize())
                    .query((rs, i) -> new Event(rs.getLong(1), Outbox.Aggregate.valueOf(rs.getString(2)), rs.getLong(3),
                            rs.getString(4)))
                    .list();
            if (events.isEmpty()) {
                return DrainResult.NOTHING;
            }
            ensureAlias();
            Applied applied = apply(index.alias(), events);
            List<Long> done = events.stream().map(Event::id).filter(id -> !applied.failed().containsKey(id)).toList();
            if (!done.isEmpty()) {
                jdbc.sql("update outbox set processed_at = clock_timestamp(), last_error = null, next_attempt_at = null"
                        + " where id = any(:ids)").param("ids", done.toArray(Long[]::new)).update();
            }
            for (var failure : applied.failed().entrySet()) {
                jdbc.sql("""
                        update outbox set attempts = attempts + 1, last_error = :error,
                               next_attempt_at = cast(:now as timestamptz)
                                   + make_interval(secs => least(:maxSeconds, 5 * power(2, least(attempts, 20))))
                        where id = :id""")
                        .param("error", failure.getValue()).param("now", Timestamp.from(now))
                        .param("maxSeconds", (double) settings.maxRetryDelay().toSeconds()).param("id", failure.getKey())
                        .update();
            }
            if (!applied.failed().isEmpty()) {
                log.warn("Search indexer: {} of {} outbox events failed and will be retried; first error: {}",
                        applied.failed().size(), events.size(), applied.failed().values().iterator().next());
            }
            return new DrainResult(events.size(), applied.samples(), applied.failed().size());
        });
        return result == null ? DrainResult.NOTHING : result;
    }

    /** Pending events, failing events, the age of the oldest pending event and the newest error. */
    public IndexLag lag() {
        return jdbc.sql("""
                select count(*), count(*) filter (where attempts > 0), min(created_at),
                       (select last_error from outbox where processed_at is null and last_error is not null
                        order by id desc limit 1)
                from outbox where processed_at is null""")
                .query((rs, i) -> {
                    Timestamp oldest = rs.getTimestamp(3);
                    Duration age = oldest == null ? null : maxZero(Duration.between(oldest.toInstant(), clock.instant()));
                    return new IndexLag(rs.getLong(1), rs.getLong(2), age, rs.getString(4));
                })
                .single();
    }

    /**
     * Re-applies to {@code target} every event still pending or processed at or after {@code since} (database time),
     * without marking anything: the reindex catch-up. Returns the database time at which this pass started.
     */
    Instant replaySince(String target, Instant since) {
        Instant started = jdbc.sql("select clock_timestamp()").query(Timestamp.class).single().toInstant();
        long after = 0;
        while (true) {
            long from = after;
            Long last = tx.execute(status -> {
                List<Event> events = jdbc.sql("""
                        select id, aggregate, aggregate_id, event from outbox
                        where id > :after and (processed_at is null or processed_at >= :since)
                        order by id limit :limit""")
                        .param("after", from).param("since", Timestamp.from(since)).param("limit", settings.batchSize())
                        .query((rs, i) -> new Event(rs.getLong(1), Outbox.Aggregate.valueOf(rs.getString(2)),
                                rs.getLong(3), rs.getString(4)))
                        .list();
                if (events.isEmpty()) {
                    return null;
                }
                Applied applied = apply(target, events);
                if (!applied.failed().isEmpty()) {
                    throw new IllegalStateException("catch-up of " + target + " failed for outbox events "
                            + applied.failed().keySet() + ": " + applied.failed().values().iterator().next());
                }
                return events.getLast().id();
            });
            if (last == null) {
                return started;
            }
            after = last;
        }
    }

    /** Deletes processed events older than the retention, a bounded slice at a time, at most once a minute. */
    void pruneProcessed() {
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).compareTo(Duration.ofMinutes(1)) < 0) {
            return;
        }
        lastPrune = now;
        int deleted = jdbc.sql("delete from outbox where id in (select id from outbox where processed_at < :cutoff limit 10000)")
                .param("cutoff", Timestamp.from(now.minus(settings.retention()))).update();
        if (deleted > 0) {
            log.debug("Pruned {} processed outbox events", deleted);
        }
    }

    /** Writes the samples behind {@code events} to {@code target}; must run inside a transaction (advisory locks). */
    private Applied apply(String target, List<Event> events) {
        Map<Long, String> failed = new LinkedHashMap<>();
        try {
            Map<Long, Set<Long>> samplesByEvent = resolve(target, events);
            TreeSet<Long> sampleIds = new TreeSet<>();
            samplesByEvent.values().forEach(sampleIds::addAll);
            if (sampleIds.isEmpty()) {
                return new Applied(0, failed);
            }
            lockSamples(sampleIds);
            Map<Long, Map<String, Object>> docs = documents.load(sampleIds);
            List<SampleIndex.Write> writes = new ArrayList<>(sampleIds.size());
            for (long id : sampleIds) {
                Map<String, Object> doc = docs.get(id);
                writes.add(doc != null ? new SampleIndex.Upsert(id, doc) : new SampleIndex.Delete(id));
            }
            Map<Long, String> failedSamples = index.write(target, writes);
            for (var entry : samplesByEvent.entrySet()) {
                for (long sampleId : entry.getValue()) {
                    String error = failedSamples.get(sampleId);
                    if (error != null) {
                        failed.put(entry.getKey(), "sample " + sampleId + ": " + error);
                        break;
                    }
                }
            }
            return new Applied(sampleIds.size(), failed);
        } catch (UncheckedIOException | IOException | co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            String error = "Elasticsearch: " + e.getMessage();
            events.forEach(ev -> failed.put(ev.id(), error));
            return new Applied(0, failed);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException || isTransportFailure(e)) {
                String error = "Elasticsearch: " + e.getMessage();
                events.forEach(ev -> failed.put(ev.id(), error));
                return new Applied(0, failed);
            }
            throw e;
        }
    }

    /** Holds the next batch while a search runs on this server (a person waits on it), up to the configured time. */
    private void stepAsideForSearches() {
        if (settings.yieldToSearches().isZero() || searches.inFlight() == 0) {
            return;
        }
        try {
            searches.awaitQuiet(settings.yieldToSearches());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * While people search, one drain loop's share of {@code rate-while-searching}: after a batch of {@code events} that
     * took {@code took}, how long to wait so the loops together index no faster than the rate (zero when no one has
     * searched lately or there is no limit).
     */
    static Duration pause(SearchProperties.Indexer settings, boolean searching, int events, Duration took) {
        int rate = settings.rateWhileSearching();
        if (rate == 0 || events == 0 || !searching) {
            return Duration.ZERO;
        }
        long dueNanos = (long) (events * 1e9 * settings.workers() / rate);
        return Duration.ofNanos(Math.max(0, dueNanos - took.toNanos()));
    }

    private void keepPace(int events, Duration took) {
        Duration wait = pause(settings, searches.searchedWithin(SearchActivity.RECENTLY), events, took);
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isTransportFailure(RuntimeException e) {
        return e.getClass().getName().startsWith("co.elastic.clients.transport");
    }

    private void ensureAlias() {
        try {
            index.ensureAlias();
        } catch (IOException | RuntimeException e) {
            // An unreachable cluster surfaces as the failed write below, which records it on the events.
            log.debug("Could not check the search alias: {}", e.getMessage());
        }
    }

    /** Which samples each event touches: a source or instruction event touches all its samples. */
    private Map<Long, Set<Long>> resolve(String target, List<Event> events) throws IOException {
        Map<Long, Set<Long>> out = new LinkedHashMap<>();
        Map<Outbox.Aggregate, Set<Long>> parents = new HashMap<>();
        for (Event e : events) {
            if (e.aggregate() == Outbox.Aggregate.SAMPLE) {
                out.put(e.id(), Set.of(e.aggregateId()));
            } else {
                parents.computeIfAbsent(e.aggregate(), a -> new LinkedHashSet<>()).add(e.aggregateId());
            }
        }
        for (var entry : parents.entrySet()) {
            String column = entry.getKey() == Outbox.Aggregate.SOURCE ? "source_id" : "instruction_id";
            Map<Long, Set<Long>> children = new HashMap<>();
            jdbc.sql("select " + column + ", id from samples where " + column + " = any(:ids)")
                    .param("ids", entry.getValue().toArray(Long[]::new))
                    .query((rs, i) -> children.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(rs.getLong(2)))
                    .list();
            boolean anyDeleted = events.stream().anyMatch(e -> e.aggregate() == entry.getKey() && e.isDelete());
            if (anyDeleted) {
                // Samples cascade-deleted with their source or instruction are found through the index itself.
                List<Long> gone = events.stream().filter(e -> e.aggregate() == entry.getKey() && e.isDelete())
                        .map(Event::aggregateId).toList();
                for (long parent : gone) {
                    children.computeIfAbsent(parent, k -> new LinkedHashSet<>())
                            .addAll(index.idsWhere(target, column, List.of(parent)));
                }
            }
            for (Event e : events) {
                if (e.aggregate() == entry.getKey()) {
                    out.put(e.id(), children.getOrDefault(e.aggregateId(), Set.of()));
                }
            }
        }
        return out;
    }

    private void lockSamples(TreeSet<Long> sampleIds) {
        int[] keys = sampleIds.stream().mapToInt(id -> (int) (id % Integer.MAX_VALUE)).sorted().distinct().toArray();
        Integer[] boxed = new Integer[keys.length];
        for (int i = 0; i < keys.length; i++) {
            boxed[i] = keys[i];
        }
        jdbc.sql("select count(pg_advisory_xact_lock(:ns, k)) from unnest(cast(:keys as int[])) k")
                .param("ns", LOCK_NAMESPACE).param("keys", boxed).query(Long.class).single();
    }

    private static Duration maxZero(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private record Event(long id, Outbox.Aggregate aggregate, long aggregateId, String event) {
        boolean isDelete() {
            return "DELETE".equals(event);
        }
    }

    private record Applied(int samples, Map<Long, String> failed) {}
}
