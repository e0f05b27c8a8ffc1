package dev.ditto.search;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Tuning of search under {@code ditto.search.*} (connection settings live in {@code DittoProperties.Search}). */
@ConfigurationProperties("ditto.search")
public record SearchProperties(@DefaultValue Index index, @DefaultValue Indexer indexer, @DefaultValue Query query,
                               @DefaultValue Reindex reindex, @DefaultValue Warmup warmup) {

    /**
     * Shape of a new index version; {@code shards} unset → 2 on the embedded node when the machine has two or more
     * processors (a query's shards are searched in parallel: at 1M samples on 2 cores the hybrid query's p95 drops by
     * 7–20%), 1 on a configured cluster (size it for the cluster); {@code replicas} unset → 0 on the embedded node, 1
     * on a configured cluster.
     * {@code captionWeight} is how much the source caption pulls the sample vector away from the instruction's.
     * {@code vectorIndex}: how a new index version stores its vectors ({@link IndexMapping.VectorIndex}); unset →
     * DiskBBQ on the embedded node (Elasticsearch 9.2, where it needs no licence), HNSW on a configured cluster
     * (any licence). An existing version keeps its own until {@code ./ditto reindex} builds the next.
     * {@code hnswM} / {@code hnswEfConstruction}: the HNSW graph's links per vector and its candidate list while
     * building ({@code bbq_hnsw} only; Elasticsearch's own defaults).
     * {@code refreshInterval}: how soon an indexed sample is searchable (Elasticsearch's {@code refresh_interval});
     * each refresh writes the documents indexed since the last one as a new segment, which merges later rewrite.
     * Applied to new versions, and to the live one when the server first uses it.
     */
    public record Index(@Nullable Integer shards, @Nullable Integer replicas,
                        @DefaultValue("0.5") float captionWeight,
                        IndexMapping.@Nullable VectorIndex vectorIndex,
                        @DefaultValue("16") int hnswM, @DefaultValue("100") int hnswEfConstruction,
                        @DefaultValue("1s") Duration refreshInterval) {
        public Index {
            if (refreshInterval.compareTo(Duration.ofMillis(100)) < 0 || refreshInterval.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("ditto.search.index.refresh-interval must be 100ms to 5m, not "
                        + refreshInterval);
            }
        }

        /** {@link #refreshInterval} as Elasticsearch writes a time value. */
        public String refreshIntervalSetting() {
            return refreshInterval.toMillis() + "ms";
        }
    }

    /**
     * The outbox drain: how often, how many events a batch, bulk retries within a batch, event retry backoff, and how
     * many batches this server drains at once ({@code workers}: while one waits for Elasticsearch's bulk answer, the
     * next builds its documents), and how long each batch waits for this server's running searches to finish
     * ({@code yieldToSearches}; 0: never).
     */
    public record Indexer(@DefaultValue("true") boolean enabled, @DefaultValue("1000") long intervalMs,
                          @DefaultValue("500") int batchSize, @DefaultValue("3") int bulkAttempts,
                          @DefaultValue("200ms") Duration bulkBackoff, @DefaultValue("5m") Duration maxRetryDelay,
                          @DefaultValue("3d") Duration retention, @DefaultValue("1") int workers,
                          @DefaultValue("250ms") Duration yieldToSearches,
                          @DefaultValue("600") int rateWhileSearching) {
        public Indexer {
            if (rateWhileSearching < 0) {
                throw new IllegalArgumentException("ditto.search.indexer.rate-while-searching must be 0 (no limit) or a "
                        + "number of documents per second, not " + rateWhileSearching);
            }
            if (workers < 1 || workers > 16) {
                throw new IllegalArgumentException("ditto.search.indexer.workers must be 1 to 16, not " + workers);
            }
            if (yieldToSearches.isNegative() || yieldToSearches.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException("ditto.search.indexer.yield-to-searches must be 0 to 5s, not " + yieldToSearches);
            }
        }
    }

    /**
     * Hybrid scoring: final score = textWeight × BM25 + vectorWeight × kNN score ((1 + cosine) / 2); kNN keeps at most
     * {@code k} neighbours whose cosine is at least {@code minSimilarity}. Facets of a text or similar-to search count
     * its {@code facetSample} best matches (0: every match); browsing without text counts every match. Totals are
     * exact up to {@code totalHitsUpTo} matches ("1000+" beyond): counting every match of a text query stops the
     * top-hits collector from skipping. {@code visitPercentage} (DiskBBQ only, HNSW ignores it; 0: Elasticsearch's
     * choice from {@code numCandidates}) is the share of vectors a kNN search visits: at a million samples 2 % found as
     * many of the exact 50 nearest as Elasticsearch's choice (recall 0.92 over 40 queries) in half the time.
     */
    public record Query(@DefaultValue("1.0") float textWeight, @DefaultValue("4.0") float vectorWeight,
                        @DefaultValue("50") int k, @DefaultValue("100") int numCandidates,
                        @DefaultValue("0.2") float minSimilarity, @DefaultValue("2m") Duration pitKeepAlive,
                        @DefaultValue("200") int maxPageSize, @DefaultValue("1000") int facetSample,
                        @DefaultValue("1000") int totalHitsUpTo, @DefaultValue("2") float visitPercentage) {}

    /**
     * Rebuilding an index version from PostgreSQL: rows per batch, bulk requests in flight at once (the next batch is
     * read from PostgreSQL while they run), and the segment count the new version is force-merged to before it goes
     * live (0: no force-merge). Before it goes live it is warmed ({@link Warmup}).
     */
    public record Reindex(@DefaultValue("1000") int batchSize, @DefaultValue("2") int concurrency,
                          @DefaultValue("1") int forceMergeSegments) {}

    /**
     * Warming an index with first-page searches made from its own samples, for up to {@code duration} and at most
     * {@code maxSearches} (and one per 100 samples, at least 50: a small index is fast even cold; 0s: never). A node
     * that has just started, or has only been indexing, is slow until its search code is compiled: at 1M samples on 2
     * cores the first 200 searches of a cold node take p95 136 ms, after this warm-up (60 s) 63 ms, and once it has
     * served for two and a half minutes 35 ms. A reindex warms the new
     * version before the alias swaps to it; with {@code onStart} the server warms the live index in the background
     * once it is up.
     */
    public record Warmup(@DefaultValue("60s") Duration duration, @DefaultValue("3000") int maxSearches,
                         @DefaultValue("true") boolean onStart) {

        /** Searches for an index of {@code samples} documents. */
        public int searchesFor(long samples) {
            return (int) Math.min(maxSearches, Math.max(50, samples / 100));
        }
    }
}
