package dev.ditto.search;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Tuning of search under {@code ditto.search.*} (connection settings live in {@code DittoProperties.Search}). */
@ConfigurationProperties("ditto.search")
public record SearchProperties(@DefaultValue Index index, @DefaultValue Indexer indexer, @DefaultValue Query query,
                               @DefaultValue Reindex reindex) {

    /**
     * Shape of a new index version; {@code shards} unset → 2 on the embedded node when the machine has two or more
     * processors (a query's shards are searched in parallel: at 1M samples on 2 cores the hybrid query's p95 drops by
     * 7–20%), 1 on a configured cluster (size it for the cluster); {@code replicas} unset → 0 on the embedded node, 1
     * on a configured cluster.
     * {@code captionWeight} is how much the source caption pulls the sample vector away from the instruction's.
     * {@code vectorIndex}: how a new index version stores its vectors ({@link IndexMapping.VectorIndex}); unset →
     * DiskBBQ on the embedded node (Elasticsearch 9.2, where it needs no licence), HNSW on a configured cluster
     * (any licence). An existing version keeps its own until {@code ./ditto reindex} builds the next.
     */
    public record Index(@Nullable Integer shards, @Nullable Integer replicas,
                        @DefaultValue("0.5") float captionWeight,
                        IndexMapping.@Nullable VectorIndex vectorIndex) {}

    /** The outbox drain: how often, how many events a batch, bulk retries within a batch, event retry backoff. */
    public record Indexer(@DefaultValue("true") boolean enabled, @DefaultValue("1000") long intervalMs,
                          @DefaultValue("500") int batchSize, @DefaultValue("3") int bulkAttempts,
                          @DefaultValue("200ms") Duration bulkBackoff, @DefaultValue("5m") Duration maxRetryDelay,
                          @DefaultValue("3d") Duration retention) {}

    /**
     * Hybrid scoring: final score = textWeight × BM25 + vectorWeight × kNN score ((1 + cosine) / 2); kNN keeps at most
     * {@code k} neighbours whose cosine is at least {@code minSimilarity}. Facets of a text or similar-to search count
     * its {@code facetSample} best matches (0: every match); browsing without text counts every match. Totals are
     * exact up to {@code totalHitsUpTo} matches ("1000+" beyond): counting every match of a text query stops the
     * top-hits collector from skipping. {@code visitPercentage} (DiskBBQ only; 0: Elasticsearch's choice from
     * {@code numCandidates}) is the share of vectors a kNN search visits.
     */
    public record Query(@DefaultValue("1.0") float textWeight, @DefaultValue("4.0") float vectorWeight,
                        @DefaultValue("50") int k, @DefaultValue("100") int numCandidates,
                        @DefaultValue("0.2") float minSimilarity, @DefaultValue("2m") Duration pitKeepAlive,
                        @DefaultValue("200") int maxPageSize, @DefaultValue("1000") int facetSample,
                        @DefaultValue("1000") int totalHitsUpTo, @DefaultValue("0") float visitPercentage) {}

    /**
     * Rebuilding an index version from PostgreSQL: rows per batch, bulk requests in flight at once (the next batch is
     * read from PostgreSQL while they run), and the segment count the new version is force-merged to before it goes
     * live (0: no force-merge). Before it goes live the new version answers first-page searches for up to
     * {@code warmup} (at most {@code warmupSearches}, and one per 100 samples, at least 50; 0s: none): a version just built, on a node that has only been
     * indexing, is slow until its search code is compiled (at 1M samples on 2 cores the first 200 searches take p95
     * 136 ms, a minute later 34 ms), and no curator should meet that after a reindex.
     */
    public record Reindex(@DefaultValue("1000") int batchSize, @DefaultValue("2") int concurrency,
                          @DefaultValue("1") int forceMergeSegments, @DefaultValue("60s") Duration warmup,
                          @DefaultValue("3000") int warmupSearches) {}
}
