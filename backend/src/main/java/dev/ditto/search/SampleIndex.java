package dev.ditto.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import dev.ditto.platform.DittoProperties;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The versioned sample index {@code <prefix>samples-v<N>} behind the alias {@code <prefix>samples}: creation,
 * bulk writes with retries and backoff, the atomic alias swap.
 */
@Component
class SampleIndex {
    private static final Logger log = LoggerFactory.getLogger(SampleIndex.class);

    private final ElasticsearchClient client;
    private final String alias;
    private final int shards;
    private final SearchProperties.Indexer retry;
    private final int replicas;
    private final String vectorOptions;
    /** {@code refresh_interval} of the live index ({@code ditto.search.index.refresh-interval}). */
    private final String refreshInterval;
    private volatile boolean aliasKnown;

    @org.springframework.beans.factory.annotation.Autowired
    SampleIndex(ElasticsearchClient client, DittoProperties ditto, SearchProperties properties) {
        this(client, ditto.search().indexPrefix(), properties,
                properties.index().shards() != null ? properties.index().shards()
                        : ditto.search().url() == null ? IndexMapping.embeddedShards(Runtime.getRuntime().availableProcessors()) : 1,
                replicas(ditto, properties),
                properties.index().vectorIndex() != null ? properties.index().vectorIndex()
                        : ditto.search().url() == null ? IndexMapping.VectorIndex.BBQ_DISK : IndexMapping.VectorIndex.BBQ_HNSW);
    }

    /**
     * Replicas of a new index: {@code ditto.search.index.replicas}, else 0 on the embedded node (nowhere to put
     * them) and 1 on a configured cluster (every shard survives the loss of one node).
     */
    static int replicas(DittoProperties ditto, SearchProperties properties) {
        Integer configured = properties.index().replicas();
        if (configured != null && configured < 0) {
            throw new IllegalArgumentException("ditto.search.index.replicas must be 0 or more, not " + configured);
        }
        return configured != null ? configured : ditto.search().url() == null ? 0 : 1;
    }

    SampleIndex(ElasticsearchClient client, String indexPrefix, SearchProperties properties, int shards, int replicas,
                IndexMapping.VectorIndex vectors) {
        if (shards < 1) {
            throw new IllegalArgumentException("ditto.search.index.shards must be at least 1, not " + shards);
        }
        this.client = client;
        this.alias = indexPrefix + "samples";
        this.shards = shards;
        this.retry = properties.indexer();
        this.replicas = replicas;
        this.vectorOptions = vectors.options(properties.index().hnswM(), properties.index().hnswEfConstruction());
        this.refreshInterval = properties.index().refreshIntervalSetting();
    }

    /** Shards a new version gets. */
    int shards() {
        return shards;
    }

    ElasticsearchClient client() {
        return client;
    }

    /** The alias every reader and the outbox indexer use. */
    String alias() {
        return alias;
    }

    /**
     * Creates version 1 behind the alias when no alias exists yet. Synchronized: the searches that queue up while
     * Elasticsearch is away all arrive here at once when it is back, and must not race each other to create the
     * same index; another replica doing the same is handled by the already-exists and alias checks.
     */
    synchronized void ensureAlias() throws IOException {
        if (aliasKnown) {
            return;
        }
        if (!client.indices().existsAlias(e -> e.name(alias)).value()) {
            String first = versionName(nextVersion());
            boolean ours = true;
            try {
                createVersion(first, false);
            } catch (ElasticsearchException e) {
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
                ours = false; // another replica created it a moment ago: put the alias on it (again, harmlessly)
            }
            try {
                client.indices().updateAliases(u -> u.actions(a -> a.add(add -> add.index(first).alias(alias).isWriteIndex(true))));
                log.info("Created search index {} behind alias {}", first, alias);
            } catch (ElasticsearchException e) {
                // Another replica won the race: keep its alias, drop ours.
                if (ours) {
                    client.indices().delete(d -> d.index(first));
                }
                if (!client.indices().existsAlias(x -> x.name(alias)).value()) {
                    throw e;
                }
            }
        } else {
            client.indices().putMapping(p -> p.index(alias).withJson(new StringReader(IndexMapping.instructionVectorMapping(vectorOptions))));
            // a changed ditto.search.index.refresh-interval applies to the live index from this start on (a version
            // still being bulk-loaded is not behind the alias, and keeps refresh off until it finishes)
            client.indices().putSettings(p -> p.index(alias).settings(s -> s.refreshInterval(t -> t.time(refreshInterval))));
        }
        aliasKnown = true;
    }

    /** The concrete index the alias points at, if any. */
    Optional<String> currentIndex() throws IOException {
        if (!client.indices().existsAlias(e -> e.name(alias)).value()) {
            return Optional.empty();
        }
        return client.indices().getAlias(g -> g.name(alias)).aliases().keySet().stream().findFirst();
    }

    /** Every existing version of this index, oldest first. */
    List<String> versions() throws IOException {
        var response = client.indices().get(g -> g.index(alias + "-v*").allowNoIndices(true));
        return response.indices().keySet().stream()
                .filter(n -> versionOf(n) > 0)
                .sorted(Comparator.comparingInt(SampleIndex::versionOf)).toList();
    }

    int nextVersion() throws IOException {
        return versions().stream().mapToInt(SampleIndex::versionOf).max().orElse(0) + 1;
    }

    String versionName(int version) {
        return alias + "-v" + version;
    }

    private static int versionOf(String name) {
        Matcher m = Pattern.compile("-v(\\d+)$").matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Creates a concrete index version; {@code bulkLoading}: no refresh and no replicas until {@link #finishBulkLoad}. */
    void createVersion(String name, boolean bulkLoading) throws IOException {
        String json = IndexMapping.settingsAndMappings(shards, replicas, bulkLoading, vectorOptions, refreshInterval);
        client.indices().create(c -> c.index(name).withJson(new StringReader(json)));
    }

    /**
     * Restores the live settings after a bulk load, makes everything searchable and, when {@code mergeToSegments} is
     * positive, force-merges down to that many segments.
     */
    void finishBulkLoad(String name, int mergeToSegments) throws IOException {
        BulkLoad.finish(client, name, replicas, refreshInterval);
        if (mergeToSegments > 0) {
            long t0 = System.nanoTime();
            BulkLoad.forceMerge(client, name, mergeToSegments, s -> {
                if (s % 60 < 10) {
                    log.info("Force-merging {} to {} segment(s): {} s so far", name, mergeToSegments, s);
                }
            });
            log.info("Force-merged {} to {} segment(s) in {} ms", name, mergeToSegments, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Points the alias from {@code from} (if any) to {@code to} in one atomic request. */
    void swapAlias(@Nullable String from, String to) throws IOException {
        client.indices().updateAliases(u -> {
            if (from != null) {
                u.actions(a -> a.remove(r -> r.index(from).alias(alias)));
            }
            return u.actions(a -> a.add(add -> add.index(to).alias(alias).isWriteIndex(true)));
        });
        aliasKnown = true;
    }

    void delete(String index) throws IOException {
        client.indices().delete(d -> d.index(index));
    }

    void refresh() throws IOException {
        client.indices().refresh(r -> r.index(alias));
    }

    long count(String index) throws IOException {
        return client.count(c -> c.index(index)).count();
    }

    /** Ids of the samples in {@code index} whose {@code field} holds one of {@code values}. */
    List<Long> idsWhere(String index, String field, Collection<Long> values) throws IOException {
        List<Long> ids = new ArrayList<>();
        List<FieldValue> after = null;
        List<FieldValue> terms = values.stream().map(FieldValue::of).toList();
        while (true) {
            List<FieldValue> from = after;
            var response = client.search(s -> {
                s.index(index).size(1000).source(src -> src.fetch(false))
                        .query(q -> q.terms(t -> t.field(field).terms(tv -> tv.value(terms))))
                        .sort(o -> o.field(f -> f.field("sample_id")));
                if (from != null) {
                    s.searchAfter(from);
                }
                return s;
            }, Void.class);
            var hits = response.hits().hits();
            for (var hit : hits) {
                ids.add(Long.parseLong(hit.id()));
            }
            if (hits.size() < 1000) {
                return ids;
            }
            after = hits.getLast().sort();
        }
    }

    /** One write: index the document of a sample, or delete it when the sample is gone. */
    sealed interface Write {
        long sampleId();
    }

    record Upsert(long sampleId, Map<String, Object> document) implements Write {}

    record Delete(long sampleId) implements Write {}

    /**
     * Bulk-writes, retrying the whole request on transport errors and overloaded clusters, and retrying items the
     * cluster rejected for load; returns the samples that still failed, with the reason.
     *
     * @throws UncheckedIOException when the cluster stayed unreachable through every attempt
     */
    Map<Long, String> write(String index, List<? extends Write> writes) {
        Map<Long, String> failed = new LinkedHashMap<>();
        List<? extends Write> pending = writes;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            BulkResponse response;
            try {
                response = client.bulk(bulkOf(index, pending, index.equals(alias)));
            } catch (IOException | ElasticsearchException | UncheckedIOException e) {
                if (attempt >= retry.bulkAttempts() || !retryable(e)) {
                    throw new UncheckedIOException(new IOException("bulk write of " + pending.size()
                            + " samples to " + index + " failed after " + attempt + " attempts: " + e.getMessage(), e));
                }
                pause(attempt);
                continue;
            }
            List<Write> again = new ArrayList<>();
            Map<Long, Write> byId = new LinkedHashMap<>();
            pending.forEach(w -> byId.put(w.sampleId(), w));
            for (BulkResponseItem item : response.items()) {
                long id = Long.parseLong(item.id());
                if (item.error() == null || (item.status() == 404 && byId.get(id) instanceof Delete)) {
                    continue;
                }
                if (item.status() == 429 && attempt < retry.bulkAttempts()) {
                    again.add(byId.get(id));
                } else {
                    failed.put(id, item.status() + " " + item.error().type() + ": " + item.error().reason());
                }
            }
            if (!again.isEmpty()) {
                pause(attempt);
            }
            pending = again;
        }
        return failed;
    }

    /**
     * The bulk request. Writes through the alias require it to exist: Elasticsearch would otherwise create a concrete
     * index under the alias's name when the alias is missing (a timed-out creation under load did that), and the
     * alias could never be made again; with {@code require_alias} such a write fails and is retried from the outbox.
     */
    private static BulkRequest bulkOf(String index, List<? extends Write> writes, boolean throughAlias) {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        if (throughAlias) {
            bulk.requireAlias(true);
        }
        for (Write w : writes) {
            String id = Long.toString(w.sampleId());
            switch (w) {
                case Upsert u -> bulk.operations(op -> op.index(i -> i.index(index).id(id).document(u.document())));
                case Delete d -> bulk.operations(op -> op.delete(x -> x.index(index).id(id)));
            }
        }
        return bulk.build();
    }

    private static boolean retryable(Exception e) {
        if (e instanceof ElasticsearchException ee) {
            int status = ee.status();
            return status == 429 || status >= 500;
        }
        return true;
    }

    private void pause(int attempt) {
        long millis = retry.bulkBackoff().multipliedBy(1L << Math.min(attempt - 1, 6)).toMillis();
        try {
            Thread.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while backing off", e));
        }
    }
}
