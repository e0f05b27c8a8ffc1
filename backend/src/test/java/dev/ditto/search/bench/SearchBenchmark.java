package dev.ditto.search.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.ServerFolder;
import dev.ditto.search.BulkLoad;
import dev.ditto.search.HybridQuery;
import dev.ditto.search.IndexMapping;
import dev.ditto.search.IndexWarmer;
import dev.ditto.search.MiniLmTextEmbedder;
import dev.ditto.search.ScoreField;
import dev.ditto.search.ScoreRange;
import dev.ditto.search.SearchProperties;
import dev.ditto.search.SearchRequest;
import dev.ditto.search.TextEmbedder;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code ./ditto bench search}: bulk-loads a synthetic corpus of sample documents into an embedded Elasticsearch
 * node with the production mapping, then times hybrid queries built by {@link HybridQuery}, exactly as the service
 * sends them. Vectors are honest but synthetic: {@value #BASE_TEXTS} real MiniLM vectors of generated instruction
 * texts, each document taking one and adding Gaussian noise (cosine ≈ 0.86 to its base); query vectors are real
 * MiniLM vectors of query texts. Arguments: {@code <out-dir> [docs=1000000] [queries=1000] [heapMb=3072]}; writes
 * {@code <out-dir>/search.json}. The load runs under the settings of a reindex ({@link BulkLoad}): no refresh, no
 * replicas, asynchronous translog, then the live settings back and a force-merge, as {@code ./ditto reindex} does.
 * System properties for experiments: {@code bench.bulk-kb} (8192), {@code bench.in-flight} (2),
 * {@code bench.merge-segments} (1), {@code bench.shards} (the embedded node's default), {@code bench.warmup-seconds} (90: queries before the
 * timed run, after 200 reported as the cold start), {@code bench.product-warmup} (false: true runs the warm-up a
 * reindex gives a new version first, and the 200 show what a curator meets after it), {@code bench.reuse-index} (false: keep an index of the same size and time queries),
 * {@code bench.vector-index-options} (the product's, from {@link IndexMapping}), and any {@code ditto.search.query.*}
 * property of the product (e.g. {@code -Dditto.search.query.k=50}).
 */
public final class SearchBenchmark {
    private static final int BASE_TEXTS = 2000;
    /** Bulk requests are cut by size, not by count (Elasticsearch's advice: a few MB to a few tens of MB). */
    private static final int BULK_BYTES = Integer.getInteger("bench.bulk-kb", 8 * 1024) * 1024;
    /** Two write threads on two cores: a third request would only queue, and the generator needs some CPU too. */
    private static final int BULK_IN_FLIGHT = Integer.getInteger("bench.in-flight", 2);
    private static final int MERGE_SEGMENTS = Integer.getInteger("bench.merge-segments", 1);
    /** The product's default on the embedded node unless an experiment names another. */
    private static final int SHARDS = Integer.getInteger("bench.shards",
            IndexMapping.embeddedShards(Runtime.getRuntime().availableProcessors()));
    /** Run the product's index warm-up ({@link IndexWarmer}) before the first 200 queries. */
    private static final boolean PRODUCT_WARMUP = Boolean.getBoolean("bench.product-warmup");
    /** Seconds of first-page queries after the cold-start sample and before the timed run. */
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 90);
    /** Keep an index of the right size from an earlier run and time the queries only (tuning queries). */
    private static final boolean REUSE_INDEX = Boolean.getBoolean("bench.reuse-index");
    /**
     * The product's vector index options on the embedded node (DiskBBQ) unless an experiment names others (e.g.
     * {@code {"type": "bbq_hnsw", "m": 16, "ef_construction": 100}}, the default on a configured cluster).
     */
    private static final String VECTOR_INDEX_OPTIONS = System.getProperty("bench.vector-index-options",
            IndexMapping.VectorIndex.BBQ_DISK.options());
    private static final int PORT = 9291;
    private static final String INDEX = "bench-samples-v1";
    private static final String ALIAS = "bench-samples";
    /** Queries whose filter left nothing within the kNN similarity floor and no BM25 match: legitimate, but counted. */
    private static final AtomicLong EMPTY_RESULTS = new AtomicLong();

    private static final String[] CATEGORIES = {"GLOBAL_STYLE", "GLOBAL_FREEFORM", "LOCAL_ATTRIBUTE", "LOCAL_ADD",
            "LOCAL_REMOVE", "LOCAL_REPLACE", "BACKGROUND"};
    private static final String[] STATUSES = {"IN_REVIEW", "IN_REVIEW", "IN_REVIEW", "ACCEPTED", "ACCEPTED", "REJECTED",
            "AUTO_REJECTED", "FAILED"};
    private static final String[] STYLES = {"an oil painting", "a watercolour", "a pencil sketch", "an anime film",
            "pixel art", "a ukiyo-e print", "a comic book", "neon cyberpunk", "stained glass", "claymation",
            "a charcoal drawing", "a vintage film", "a Van Gogh painting", "a mosaic", "low-poly 3D"};
    private static final String[] WORLDS = {"a snowy winter day", "a rainy night", "a foggy morning", "golden hour",
            "a desert sandstorm", "an underwater world", "a thunderstorm", "cherry blossom season", "an autumn evening",
            "a blizzard", "a heatwave", "a moonlit night", "a volcanic eruption", "a flooded street", "spring rain"};
    private static final String[] OBJECTS = {"car", "dog", "cat", "jacket", "hat", "bicycle", "tree", "building",
            "bench", "umbrella", "shirt", "ball", "bus", "horse", "boat", "lamp post", "backpack", "sign"};
    private static final String[] COLOURS = {"bright red", "deep blue", "golden", "matte black", "neon green",
            "pastel pink", "silver", "striped", "rusty", "transparent"};
    private static final String[] THINGS = {"fireworks", "a rainbow", "falling leaves", "a hot air balloon",
            "butterflies", "a flock of birds", "snowflakes", "a dragon", "a robot", "lanterns", "bubbles", "a rocket"};
    private static final String[] PLACES = {"in the sky", "next to the road", "on the left", "behind the person",
            "in the background", "above the trees", "on the water", "near the camera"};
    private static final String[] SCENES = {"a beach at sunset", "a mountain valley", "a neon city", "outer space",
            "a dense jungle", "a medieval castle", "a snowy forest", "a desert", "the surface of the moon", "a coral reef"};
    private static final String[] SUBJECTS = {"a man", "a woman", "two children", "a dog", "a cyclist", "a crowd",
            "a skateboarder", "an old couple", "a street musician", "a runner"};
    private static final String[] ACTIONS = {"walks", "runs", "dances", "rides a bike", "plays football", "waits",
            "talks on the phone", "crosses the road", "reads a book", "jumps"};
    private static final String[] WHERE = {"in a park", "on a city street", "along a beach", "in a cafe",
            "through a market", "in a snowy field", "by a river", "in a car park", "on a bridge", "in a station"};
    private static final String[] ENGINES = {"builtin.grammar", "llm.openai", "llm.anthropic", "llm.vllm"};

    private SearchBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        int docs = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int heapMb = args.length > 3 ? Integer.parseInt(args[3]) : 3072;
        Files.createDirectories(out);

        System.out.printf(Locale.ROOT, "Search benchmark: %,d documents, %,d queries, Elasticsearch heap %d MB%n", docs, queries, heapMb);
        TextEmbedder embedder = new MiniLmTextEmbedder();
        Random random = new Random(42);
        List<String> baseTexts = new ArrayList<>();
        for (int i = 0; i < BASE_TEXTS; i++) {
            baseTexts.add(instruction(random, i % CATEGORIES.length));
        }
        long e0 = System.nanoTime();
        List<float[]> baseVectors = embedder.embedAll(baseTexts);
        System.out.printf(Locale.ROOT, "Embedded %d base instructions with MiniLM in %.1f s%n", BASE_TEXTS, (System.nanoTime() - e0) / 1e9);
        List<String> queryTexts = queryTexts(random, 300);
        List<float[]> queryVectors = embedder.embedAll(queryTexts);

        Path root = Path.of("target/search-bench").toAbsolutePath();
        try (EmbeddedElasticsearch es = EmbeddedElasticsearch.start(root, EmbeddedElasticsearch.defaultDistribution(), PORT, heapMb);
             Rest5Client rest = Rest5Client.builder(URI.create(es.url())).build()) {
            ElasticsearchClient client = new ElasticsearchClient(new Rest5ClientTransport(rest, new Jackson3JsonpMapper()));
            boolean reuse = REUSE_INDEX && client.indices().exists(x -> x.index(INDEX)).value()
                    && client.count(c -> c.index(INDEX)).count() == docs;
            double loadSeconds = 0;
            long bulkCpuMillis = 0;
            long mergeCpuMillis = 0;
            double mergeSeconds = 0;
            if (reuse) {
                System.out.printf(Locale.ROOT, "Reusing %s with %,d documents: timing queries only%n", INDEX, docs);
            } else {
                if (client.indices().exists(x -> x.index(INDEX)).value()) {
                    client.indices().delete(d -> d.index(INDEX));
                }
                String settings = IndexMapping.settingsAndMappings(SHARDS, 0, true, IndexMapping.VectorIndex.BBQ_HNSW)
                        .replace(IndexMapping.VECTOR_INDEX_OPTIONS, VECTOR_INDEX_OPTIONS);
                client.indices().create(c -> c.index(INDEX).withJson(new StringReader(settings)));
                client.indices().updateAliases(u -> u.actions(a -> a.add(x -> x.index(INDEX).alias(ALIAS))));

                long cpu0 = esCpuMillis(root);
                loadSeconds = load(rest, docs, baseTexts, baseVectors);
                bulkCpuMillis = esCpuMillis(root) - cpu0;
                long m0 = System.nanoTime();
                long mergeCpu0 = esCpuMillis(root);
                BulkLoad.finish(client, INDEX, 0);
                System.out.printf(Locale.ROOT, "Force-merging each of %d shard(s) to %d segment(s): about a minute at 1M samples "
                        + "with DiskBBQ, several with HNSW graphs, on 2 cores%n", SHARDS, MERGE_SEGMENTS);
                if (MERGE_SEGMENTS > 0) {
                    BulkLoad.forceMerge(client, INDEX, MERGE_SEGMENTS, secs -> {
                        if (secs % 30 < 10) {
                            System.out.printf(Locale.ROOT, "  merging… %d s%n", secs);
                        }
                    });
                }
                mergeSeconds = (System.nanoTime() - m0) / 1e9;
                mergeCpuMillis = esCpuMillis(root) - mergeCpu0;
            }
            String extraSettings = System.getProperty("bench.index-settings");
            if (extraSettings != null) {
                // an experiment's dynamic index settings, e.g. {"index.dense_vector.hnsw_filter_heuristic": "acorn"}
                client.indices().putSettings(p -> p.index(INDEX).withJson(new StringReader(extraSettings)));
                System.out.println("Index settings applied: " + extraSettings);
            }
            double bulkRate = loadSeconds == 0 ? 0 : docs / loadSeconds;
            long counted = client.count(c -> c.index(ALIAS)).count();
            System.out.printf(Locale.ROOT, "Refresh + force-merge: %.1f s; %,d documents searchable in %s segment(s) over all shards%n",
                    mergeSeconds, counted, segments(client));

            // The product's defaults (k, num_candidates, weights, facet sample), bound exactly as the server binds
            // ditto.search.*; -Dditto.search.query.k=50 and the like try other values.
            Map<String, String> overrides = new LinkedHashMap<>();
            System.getProperties().forEach((k, v) -> {
                if (k.toString().startsWith("ditto.search.")) {
                    overrides.put(k.toString(), v.toString());
                }
            });
            SearchProperties.Query tuning = new Binder(new MapConfigurationPropertySource(overrides))
                    .bindOrCreate("ditto.search", SearchProperties.class).query();
            Random qr = new Random(7);
            // A new search in the dashboard asks for its first page with facets; later pages come without.
            // A node that has just started (or only indexed) still compiles its search code as queries arrive: on
            // 2 cores the first minute runs up to half as fast again as a node that has been serving. The target is
            // a serving node, so the first queries are reported apart and the node warms up before the timed run.
            // With bench.product-warmup the node first gets the warm-up a reindex gives a new version (and the server
            // the live index at start), and the first 200 queries show what a curator meets right after it.
            int productWarmupSearches = 0;
            double productWarmupSeconds = 0;
            if (PRODUCT_WARMUP) {
                SearchProperties.Warmup warmup = new Binder(new MapConfigurationPropertySource(overrides))
                        .bindOrCreate("ditto.search", SearchProperties.class).warmup();
                long w0 = System.nanoTime();
                productWarmupSearches = IndexWarmer.warm(client, tuning, tools.jackson.databind.json.JsonMapper.builder().build(),
                        INDEX, warmup.duration(), warmup.searchesFor(counted));
                productWarmupSeconds = (System.nanoTime() - w0) / 1e9;
                System.out.printf(Locale.ROOT, "The product's warm-up: %,d searches in %.1f s%n", productWarmupSearches, productWarmupSeconds);
            }
            double[] cold = timeQueries(client, tuning, queryTexts, queryVectors, qr, 200, true);
            System.out.printf(Locale.ROOT, "%s, first 200 queries: p50 %.1f ms, p95 %.1f ms%n",
                    PRODUCT_WARMUP ? "After the product's warm-up" : "Cold start", percentile(cold, 50), percentile(cold, 95));
            int warmupQueries = warmUp(client, tuning, queryTexts, queryVectors, qr, WARMUP_SECONDS);
            long q0 = esCpuMillis(root);
            double[] hybrid = timeQueries(client, tuning, queryTexts, queryVectors, qr, queries, true);
            double queryCpuMillis = (double) (esCpuMillis(root) - q0) / queries;
            timeQueries(client, tuning, queryTexts, queryVectors, qr, 50, false); // warm-up
            double[] plain = timeQueries(client, tuning, queryTexts, queryVectors, qr, Math.max(200, queries / 2), false);

            int recallQueries = Integer.getInteger("bench.recall", 50);
            double recall = recallQueries > 0 ? recall(client, tuning, queryVectors, new Random(13), recallQueries) : -1;
            int profiles = Integer.getInteger("bench.profile", 0);
            if (profiles > 0) {
                profile(client, tuning, queryTexts, queryVectors, new Random(11), profiles, root.resolve("profiles"));
            }

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("docs", counted);
            result.put("bulk_docs_per_second", Math.round(bulkRate));
            result.put("bulk_seconds", round(loadSeconds));
            result.put("refresh_and_force_merge_seconds", round(mergeSeconds));
            // CPU seconds Elasticsearch spent, whatever else the machine ran: what the node would manage on 2 free cores.
            result.put("bulk_es_cpu_seconds", round(bulkCpuMillis / 1000.0));
            result.put("bulk_docs_per_second_per_es_cpu_core", bulkCpuMillis == 0 ? 0 : Math.round(docs * 1000.0 / bulkCpuMillis));
            result.put("force_merge_es_cpu_seconds", round(mergeCpuMillis / 1000.0));
            if (PRODUCT_WARMUP) {
                result.put("product_warmup_searches", productWarmupSearches);
                result.put("product_warmup_seconds", round(productWarmupSeconds));
                result.put("after_product_warmup_p50_ms", round(percentile(cold, 50)));
                result.put("after_product_warmup_p95_ms", round(percentile(cold, 95)));
            } else {
                result.put("cold_start_p50_ms", round(percentile(cold, 50)));
                result.put("cold_start_p95_ms", round(percentile(cold, 95)));
            }
            result.put("warmup_seconds", WARMUP_SECONDS);
            result.put("warmup_queries", warmupQueries);
            result.put("hybrid_queries", hybrid.length);
            result.put("hybrid_p50_ms", round(percentile(hybrid, 50)));
            result.put("hybrid_p95_ms", round(percentile(hybrid, 95)));
            result.put("hybrid_p99_ms", round(percentile(hybrid, 99)));
            result.put("hybrid_es_cpu_ms_per_query", round(queryCpuMillis));
            result.put("hybrid_next_page_p50_ms", round(percentile(plain, 50)));
            result.put("hybrid_next_page_p95_ms", round(percentile(plain, 95)));
            result.put("queries_with_no_hits", EMPTY_RESULTS.get());
            result.put("knn_recall_at_10", round3(recall));
            result.put("knn_recall_queries", recallQueries);
            result.put("load_average_1m", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            result.put("vectors", BASE_TEXTS + " real MiniLM vectors of generated instructions + Gaussian noise per document; queries: real MiniLM vectors");
            result.put("query", String.format(Locale.ROOT, "simple_query_string(instruction^2, caption, tags) x%.1f + knn(k=%d, "
                    + "num_candidates=%d, similarity>=%.2f) x%.1f, one filter, size 20, highlight; first page: + facets (6 terms, 1 histogram, %d stats; best %d matches), next page: no facets",
                    tuning.textWeight(), tuning.k(), tuning.numCandidates(), tuning.minSimilarity(), tuning.vectorWeight(), ScoreField.values().length,
                    tuning.facetSample()));
            result.put("segments", segments(client));
            result.put("shards", SHARDS);
            result.put("vector_index_options", reuse ? "(reused index)" : VECTOR_INDEX_OPTIONS);
            result.put("elasticsearch_heap_mb", heapMb);
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("measured_at", Instant.now().toString());
            String json = toJson(result);
            Files.writeString(out.resolve("search.json"), json + "\n");
            System.out.println();
            System.out.println("| metric | value |");
            System.out.println("| --- | --- |");
            result.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
            System.out.println("Wrote " + out.resolve("search.json").toAbsolutePath());
        }
    }

    private static double load(Rest5Client rest, int docs, List<String> baseTexts, List<float[]> baseVectors) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(BULK_IN_FLIGHT);
        int docsPerBulk = Math.max(10, (int) ((long) BULK_BYTES * 100 / bulkBody(0, 100, baseTexts, baseVectors).length));
        System.out.printf(Locale.ROOT, "Bulk requests of %,d documents (≈ %d KB), %d in flight%n", docsPerBulk, BULK_BYTES / 1024, BULK_IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        List<Future<?>> inFlight = new ArrayList<>();
        Thread progress = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(5000);
                    long n = done.get();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double rate = n / secs;
                    System.out.printf(Locale.ROOT, "  loaded %,d / %,d (%.0f%%) %,.0f docs/s, ETA %.0f s%n", n, docs,
                            100.0 * n / docs, rate, (docs - n) / Math.max(rate, 1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int from = 0; from < docs; from += docsPerBulk) {
            int start = from;
            int end = Math.min(docs, from + docsPerBulk);
            inFlight.add(pool.submit(() -> {
                byte[] body = bulkBody(start, end, baseTexts, baseVectors);
                Request request = new Request("POST", "/" + ALIAS + "/_bulk");
                request.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
                Response response = rest.performRequest(request);
                String answer = EntityUtils.toString(response.getEntity());
                if (answer.startsWith("{\"errors\":true") || answer.contains("\"errors\":true")) {
                    throw new IllegalStateException("bulk had errors: " + answer.substring(0, Math.min(600, answer.length())));
                }
                done.addAndGet(end - start);
                return null;
            }));
            if (inFlight.size() >= BULK_IN_FLIGHT + 1) {
                inFlight.removeFirst().get();
            }
        }
        for (Future<?> f : inFlight) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        progress.interrupt();
        pool.shutdown();
        System.out.printf(Locale.ROOT, "Bulk-loaded %,d documents in %.1f s: %,.0f docs/s%n", docs, seconds, docs / seconds);
        return seconds;
    }

    /** CPU time the Elasticsearch process has used so far (user + system), 0 where the platform won't say. */
    private static long esCpuMillis(Path root) {
        try {
            long pid = Long.parseLong(Files.readString(ServerFolder.existing(root).resolve("elasticsearch/es.pid")).trim());
            return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toMillis).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String segments(ElasticsearchClient client) throws IOException {
        return String.valueOf(client.indices().segments(s -> s.index(INDEX)).indices().get(INDEX).shards().values().stream()
                .flatMap(List::stream).mapToLong(sh -> sh.segments().size()).sum());
    }

    private static byte[] bulkBody(int from, int to, List<String> baseTexts, List<float[]> baseVectors) {
        StringBuilder sb = new StringBuilder((to - from) * 4200);
        Random r = new Random(from * 31L + 5);
        Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
        for (int id = from + 1; id <= to; id++) {
            int base = r.nextInt(baseTexts.size());
            String category = CATEGORIES[base % CATEGORIES.length];
            double judge = Math.min(1, Math.max(0, 0.65 + 0.18 * r.nextGaussian()));
            String created = epoch.plusSeconds(id * 20L).toString();
            sb.append("{\"index\":{\"_id\":\"").append(id).append("\"}}\n{\"sample_id\":").append(id)
                    .append(",\"source_id\":").append(1 + id / 20).append(",\"clip_id\":").append(1 + id / 10)
                    .append(",\"instruction_id\":").append(id)
                    .append(",\"instruction\":\"").append(baseTexts.get(base)).append("\",\"caption\":\"")
                    .append(SUBJECTS[r.nextInt(SUBJECTS.length)]).append(' ').append(ACTIONS[r.nextInt(ACTIONS.length)])
                    .append(' ').append(WHERE[r.nextInt(WHERE.length)]).append("\",\"category\":\"").append(category)
                    .append("\",\"status\":\"").append(STATUSES[r.nextInt(STATUSES.length)])
                    .append("\",\"tags\":[\"").append(r.nextBoolean() ? "outdoor" : "indoor").append("\"]")
                    .append(",\"judge_score\":").append(fmt(judge))
                    .append(",\"judge\":{\"safety\":1.0,\"instruction_following\":").append(fmt(r.nextDouble()))
                    .append(",\"preservation\":").append(fmt(r.nextDouble())).append(",\"visual_quality\":").append(fmt(r.nextDouble()))
                    .append(",\"temporal_consistency\":").append(fmt(r.nextDouble())).append('}')
                    .append(",\"metrics\":{\"warp_error\":").append(fmt(1 + r.nextDouble())).append(",\"edge_ssim\":").append(fmt(r.nextDouble()))
                    .append(",\"edit_strength\":").append(fmt(r.nextDouble())).append(",\"brisque\":").append(fmt(20 + 30 * r.nextDouble())).append('}')
                    .append(",\"probe\":{\"motion\":").append(fmt(5 * r.nextDouble())).append(",\"people\":").append(fmt(r.nextDouble()))
                    .append(",\"faces\":").append(r.nextInt(4)).append('}')
                    .append(",\"instruction_engine\":\"").append(ENGINES[id % ENGINES.length])
                    .append("\",\"engines\":[\"").append(ENGINES[id % ENGINES.length]).append("\",\"builtin.metric-judge\",\"builtin.flow-propagation\"]")
                    .append(",\"runner\":\"gpu-").append(id % 64).append("\",\"release_ids\":[")
                    .append(id % 3 == 0 ? "1" : "").append("],\"created_at\":\"").append(created)
                    .append("\",\"updated_at\":\"").append(created).append("\",\"vector\":[");
            float[] v = noisy(baseVectors.get(base), r);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendFloat(sb, v[i]);
            }
            sb.append("]}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static float[] noisy(float[] base, Random r) {
        float[] v = new float[base.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (base[i] + 0.03 * r.nextGaussian());
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** Five decimals are plenty for an int8-quantised vector and keep the bulk body small. */
    private static void appendFloat(StringBuilder sb, float f) {
        int scaled = Math.round(f * 100000);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / 100000).append('.');
        String frac = Integer.toString(scaled % 100000);
        sb.append("00000", 0, 5 - frac.length()).append(frac);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    private static double[] timeQueries(ElasticsearchClient client, SearchProperties.Query tuning, List<String> texts,
                                        List<float[]> vectors, Random r, int count, boolean facets) throws IOException {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            int q = r.nextInt(texts.size());
            SearchRequest request = SearchRequest.text(texts.get(q));
            request = oneFilter(request, i, r);
            var body = HybridQuery.build(HybridQuery.Spec.of(request, tuning).onIndex(ALIAS).near(vectors.get(q))
                    .withFacets(facets).shards(SHARDS));
            long t0 = System.nanoTime();
            var response = client.search(body, JsonData.class);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (response.hits().hits().isEmpty()) {
                EMPTY_RESULTS.incrementAndGet();
            }
        }
        return ms;
    }

    /** First-page queries for {@code seconds}, printing each 15 s window's p95 so the settling shows; returns how many ran. */
    private static int warmUp(ElasticsearchClient client, SearchProperties.Query tuning, List<String> texts,
                              List<float[]> vectors, Random r, int seconds) throws IOException {
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long nextReport = t0 + 15_000_000_000L;
        int total = 0;
        List<Double> window = new ArrayList<>();
        while (System.nanoTime() < end) {
            for (double ms : timeQueries(client, tuning, texts, vectors, r, 25, true)) {
                window.add(ms);
            }
            total += 25;
            if (System.nanoTime() >= nextReport || System.nanoTime() >= end) {
                double[] w = window.stream().mapToDouble(Double::doubleValue).toArray();
                System.out.printf(Locale.ROOT, "  warming up: %3d / %d s, %,d queries, last window p50 %.1f ms, p95 %.1f ms%n",
                        (System.nanoTime() - t0) / 1_000_000_000L, seconds, total, percentile(w, 50), percentile(w, 95));
                window.clear();
                nextReport += 15_000_000_000L;
            }
        }
        return total;
    }

    /**
     * With {@code -Dbench.profile=N}: N first-page queries of each filter kind, run again with Elasticsearch's profile
     * API; each profile is written as JSON to {@code dir}, to see where a query's time goes.
     */
    private static void profile(ElasticsearchClient client, SearchProperties.Query tuning, List<String> texts,
                                List<float[]> vectors, Random r, int count, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < 3 * count; i++) {
            int q = r.nextInt(texts.size());
            SearchRequest request = SearchRequest.text(texts.get(q));
            request = oneFilter(request, i, r);
            var built = HybridQuery.build(HybridQuery.Spec.of(request, tuning).onIndex(ALIAS).near(vectors.get(q)).shards(SHARDS));
            var body = co.elastic.clients.elasticsearch.core.SearchRequest.of(b -> b.index(ALIAS)
                    .withJson(new StringReader(co.elastic.clients.json.JsonpUtils.toJsonString(built, client._jsonpMapper())))
                    .profile(true));
            long t0 = System.nanoTime();
            var response = client.search(body, JsonData.class);
            double ms = (System.nanoTime() - t0) / 1e6;
            String json = co.elastic.clients.json.JsonpUtils.toJsonString(response.profile(), client._jsonpMapper());
            Files.writeString(dir.resolve(String.format(Locale.ROOT, "profile-%02d.json", i)),
                    "{\"query\": " + quote(texts.get(q) + " | filter " + (i % 3)) + ", \"took_ms\": " + response.took()
                            + ", \"client_ms\": " + ms + ", \"profile\": " + json + "}\n");
        }
        System.out.printf(Locale.ROOT, "Wrote %d query profiles to %s%n", 3 * count, dir);
    }

    /**
     * Recall@10 of the kNN part as the product sends it (k, num_candidates, the index's HNSW and quantisation, one
     * filter) against the widest search Elasticsearch does ({@link #exactSearch}).
     */
    private static double recall(ElasticsearchClient client, SearchProperties.Query tuning, List<float[]> vectors,
                                 Random r, int count) throws IOException {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float[] v = vectors.get(r.nextInt(vectors.size()));
            List<Float> vector = new ArrayList<>(v.length);
            for (float x : v) {
                vector.add(x);
            }
            SearchRequest request = SearchRequest.text("x");
            request = oneFilter(request, i, r);
            List<co.elastic.clients.elasticsearch._types.query_dsl.Query> filters = HybridQuery.filters(request);
            int k = Math.max(tuning.k(), 20);
            var approx = client.search(s -> s.index(ALIAS).size(10).source(x -> x.fetch(false))
                    .knn(kn -> {
                        kn.field("vector").queryVector(vector).k(k).numCandidates(Math.max(k, tuning.numCandidates()))
                                .filter(filters);
                        // the product's setting, as HybridQuery sends it: recall is what that setting costs
                        return tuning.visitPercentage() > 0 ? kn.visitPercentage(tuning.visitPercentage()) : kn;
                    }), Void.class);
            var exact = exactSearch(client, filters, vector);
            java.util.Set<String> truth = new java.util.HashSet<>();
            exact.hits().hits().forEach(h -> truth.add(h.id()));
            long found = approx.hits().hits().stream().filter(h -> truth.contains(h.id())).count();
            sum += truth.isEmpty() ? 1.0 : found / (double) truth.size();
        }
        double recall = sum / count;
        System.out.printf(Locale.ROOT, "kNN recall@10 against num_candidates 10,000: %.3f over %d filtered queries%n", recall, count);
        return recall;
    }

    /**
     * The reference top 10: the same filtered kNN at Elasticsearch's widest search (num_candidates 10,000, rescored
     * on the float vectors). The integration-test distribution has no Painless, so no script_score brute force.
     */
    private static co.elastic.clients.elasticsearch.core.SearchResponse<Void> exactSearch(ElasticsearchClient client,
            List<co.elastic.clients.elasticsearch._types.query_dsl.Query> filters, List<Float> vector) throws IOException {
        return client.search(s -> s.index(ALIAS).size(10).source(x -> x.fetch(false))
                .knn(kn -> kn.field("vector").queryVector(vector).k(10).numCandidates(10_000).filter(filters)), Void.class);
    }

    private static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The one filter of query {@code i}: a status, a category or a judge-score floor, in turn. */
    private static SearchRequest oneFilter(SearchRequest request, int i, Random r) {
        return switch (i % 3) {
            case 0 -> request.withStatuses(List.of("IN_REVIEW"));
            case 1 -> request.withCategories(List.of(CATEGORIES[r.nextInt(CATEGORIES.length)]));
            default -> request.withScoreRanges(List.of(ScoreRange.atLeast(ScoreField.JUDGE_OVERALL, 0.7)));
        };
    }

    private static List<String> queryTexts(Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(switch (i % 6) {
                case 0 -> "snowy " + WHERE[r.nextInt(WHERE.length)].replaceFirst("^(in|on|along|through|by) (a|the) ", "");
                case 1 -> "make it look like " + STYLES[r.nextInt(STYLES.length)];
                case 2 -> "replace the " + OBJECTS[r.nextInt(OBJECTS.length)];
                case 3 -> THINGS[r.nextInt(THINGS.length)] + " " + PLACES[r.nextInt(PLACES.length)];
                case 4 -> COLOURS[r.nextInt(COLOURS.length)] + " " + OBJECTS[r.nextInt(OBJECTS.length)];
                default -> "night time " + SCENES[r.nextInt(SCENES.length)];
            });
        }
        return out;
    }

    private static String instruction(Random r, int category) {
        return switch (category) {
            case 0 -> "Render the video as " + STYLES[r.nextInt(STYLES.length)];
            case 1 -> "Turn the scene into " + WORLDS[r.nextInt(WORLDS.length)];
            case 2 -> "Make the " + OBJECTS[r.nextInt(OBJECTS.length)] + " " + COLOURS[r.nextInt(COLOURS.length)];
            case 3 -> "Add " + THINGS[r.nextInt(THINGS.length)] + " " + PLACES[r.nextInt(PLACES.length)];
            case 4 -> "Remove the " + OBJECTS[r.nextInt(OBJECTS.length)] + " " + PLACES[r.nextInt(PLACES.length)];
            case 5 -> "Replace the " + OBJECTS[r.nextInt(OBJECTS.length)] + " with " + THINGS[r.nextInt(THINGS.length)];
            default -> "Change the background to " + SCENES[r.nextInt(SCENES.length)];
        };
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static String toJson(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (var e : map.entrySet()) {
            sb.append("  \"").append(e.getKey()).append("\": ");
            Object v = e.getValue();
            sb.append(v instanceof String s ? "\"" + s.replace("\"", "\\\"") + "\"" : String.valueOf(v));
            sb.append(++i < map.size() ? ",\n" : "\n");
        }
        return sb.append('}').toString();
    }
}
