package dev.ditto.e2e;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./ditto bench curators [samples] [curators] [seconds]}: curation for a team at scale (issue 21). Starts the
 * packaged server and a real runner on the build's test PostgreSQL/Elasticsearch, makes two real samples (real videos),
 * then writes {@code samples} samples in review that share those videos with set-based SQL and their outbox events, so
 * the server's own indexer ingests them, and measures:
 * <ul>
 *   <li>{@code indexing_docs_per_second}: outbox events the indexer processed per second, and
 *       {@code search_p95_ms_while_indexing}: a curator's first-page search over REST, one after another, meanwhile;</li>
 *   <li>{@code decision_to_next_p95_ms}: one real Chromium curator on the Review page measures decision (key press) →
 *       next sample playing, while {@code curators} protocol-level curators (REST with an API token, one user each)
 *       decide and claim the next sample for {@code seconds}. Each of them looks at a sample for a random 0.5–1.5 ×
 *       {@code -Dditto.bench.think-ms} (default 1,000 ms, faster than a person can watch a clip) before deciding; their
 *       own decision + next round trip is {@code protocol_decision_to_next_p95_ms}. {@code -Dditto.bench.think-ms=0}
 *       makes them decide back to back (a saturation test, not a team);</li>
 *   <li>{@code decide_all_seconds}: a "decide all" batch of every sample whose instruction has the word "harbourlight"
 *       (a tenth of the corpus, so 100,000 at a million; {@code decide_all_100k_seconds} is written only at that size),
 *       with the dashboard's batch list read meanwhile ({@code dashboard_p95_ms_during_decide_all}).</li>
 * </ul>
 * Writes {@code <out>/curators.json}; nothing is asserted.
 */
public final class CuratorsBenchmark {
    private static final String WORD = "harbourlight";
    private static final int NOISY_VECTORS = 4096;
    private static final String[] PHRASES = {"a watercolour painting", "an oil painting", "a pencil sketch", "a neon night",
        "a snowy morning", "a film noir still", "a pastel cartoon", "an old photograph"};

    private CuratorsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int curators = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Files.createDirectories(out);
        Map<String, Object> result = new LinkedHashMap<>();
        // the index layout ./ditto up gives one machine (its embedded node's defaults), not a configured cluster's
        List<String> serverArgs = new ArrayList<>(List.of("--ditto.agent.judge-min-overall=0",
                "--ditto.search.index.vector-index=bbq_disk", "--ditto.search.index.shards=2", "--ditto.search.index.replicas=0"));
        // settings to try, e.g. -Dditto.bench.server-args=--ditto.search.indexer.workers=1
        String extra = System.getProperty("ditto.bench.server-args", "").strip();
        if (!extra.isEmpty()) {
            serverArgs.addAll(List.of(extra.split("\\s+")));
        }
        result.put("server_args", serverArgs);
        RunningPlatform platform = RunningPlatform.fresh(serverArgs);
        try {
            Api admin = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);
            ReviewLatencyBenchmark.makeSamples(platform, admin, 2);
            index(platform, admin, samples, result);
            decide(platform, admin, curators, seconds, result);
            // as a script would: an API token (HTTP Basic checks the password's bcrypt hash on every call)
            decideAll(admin.withToken("bench batch", "ADMIN"), result);
        } finally {
            platform.stop();
        }
        result.put("samples", samples);
        result.put("curators", curators);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        result.put("measured_at", Instant.now().toString());
        String json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(result);
        Files.writeString(out.resolve("curators.json"), json + "\n");
        System.out.println(json);
    }

    /** Writes the corpus and its outbox events, then times the indexer while a curator searches. */
    private static void index(RunningPlatform platform, Api admin, int samples, Map<String, Object> result) throws Exception {
        long t0 = System.nanoTime();
        try (Connection db = platform.schema.dataSource().getConnection(); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            sql.execute("set search_path to " + platform.schema.name());
            // The instruction writer stores each instruction's MiniLM embedding when it writes it (its near-duplicate
            // check needs it), and the indexer uses the stored one. So does this corpus: each instruction carries its
            // phrase's real embedding plus a little noise (cosine ≈ 0.96 to the phrase, as variants of one sentence
            // are), unless -Dditto.bench.stored-embeddings=false leaves them to the indexer to compute.
            boolean stored = Boolean.parseBoolean(System.getProperty("ditto.bench.stored-embeddings", "true"));
            sql.execute("create temporary table bench_phrases (k int primary key, text text not null, embedding real[])");
            try (var insert = db.prepareStatement("insert into bench_phrases values (?, ?, ?)");
                 var embedder = stored ? new dev.ditto.agent.diversity.Embedder() : null) {
                for (int k = 0; k < PHRASES.length * 2; k++) {
                    String text = "make it look like " + PHRASES[k % PHRASES.length] + (k >= PHRASES.length ? " with " + WORD + " glow" : "");
                    insert.setInt(1, k);
                    insert.setString(2, text);
                    if (embedder != null) {
                        float[] v = embedder.embed(text);
                        Float[] boxed = new Float[v.length];
                        for (int i = 0; i < v.length; i++) {
                            boxed[i] = v[i];
                        }
                        insert.setArray(3, db.createArrayOf("real", boxed));
                    } else {
                        insert.setNull(3, java.sql.Types.ARRAY);
                    }
                    insert.executeUpdate();
                }
            }
            // 4,096 noisy vectors per phrase, each instruction one of its phrase's (a million rows of 384 random()
            // calls each took PostgreSQL half an hour on two cores)
            sql.execute("""
                    create temporary table bench_vectors as
                    select p.k, n, (select array_agg(x + (random() - 0.5) * 0.05 order by i)
                                    from unnest(p.embedding) with ordinality u(x, i)) as embedding
                    from bench_phrases p, generate_series(0, %d) n""".formatted(NOISY_VECTORS - 1));
            sql.execute("create index on bench_vectors (k, n)");
            sql.execute("analyze bench_vectors");
            sql.execute("""
                    insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version, embedding)
                    select t.source_id, t.clip_id, t.category, p.text || ' (variant ' || g || ')', '{}', 'bench', 'bench', 'v1',
                           v.embedding
                    from (select * from samples where status = 'IN_REVIEW' order by id limit 1) t, generate_series(1, %d) g
                    join bench_phrases p on p.k = g %% %d + case when g %% 10 = 0 then %d else 0 end
                    join bench_vectors v on v.k = p.k and v.n = g %% %d"""
                    .formatted(samples, PHRASES.length, PHRASES.length, NOISY_VECTORS));
            sql.execute("""
                    insert into samples (source_id, clip_id, instruction_id, campaign_id, status, category, edited_blob_key,
                                         edited_size_bytes, keyframe_blob_key, metrics, provenance, timings, verdict, judge_score, judge_engine)
                    select t.source_id, t.clip_id, i.id, t.campaign_id, 'IN_REVIEW', t.category, t.edited_blob_key, t.edited_size_bytes,
                           t.keyframe_blob_key, t.metrics, t.provenance, t.timings, t.verdict, t.judge_score, t.judge_engine
                    from (select * from samples where status = 'IN_REVIEW' order by id limit 1) t
                    join instructions i on i.engine = 'bench'""");
            sql.execute("insert into outbox (aggregate, aggregate_id, event) select 'SAMPLE', s.id, 'UPSERT' from samples s"
                    + " join instructions i on i.id = s.instruction_id where i.engine = 'bench'");
            db.commit();
            sql.execute("analyze");
            db.commit();
            System.out.printf(Locale.ROOT, "%d samples written in %.1f s; indexing%n", samples, (System.nanoTime() - t0) / 1e9);
            long start = System.nanoTime();
            AtomicBoolean indexing = new AtomicBoolean(true);
            Api searcher = admin.withToken("bench search", "VIEWER");
            List<Double> searches = Collections.synchronizedList(new ArrayList<>());
            List<Double> tooks = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> searching = CompletableFuture.runAsync(() -> {
                Api curator = searcher;
                String[] words = {"watercolour", "oil painting", "neon", "snowy", "pencil", "cartoon"};
                for (int i = 0; indexing.get(); i++) {
                    long q = System.nanoTime();
                    // each search a text of its own, as a team's searches are, so nothing cached answers a repeat: the
                    // word that matches and a token that matches nothing
                    String text = words[i % words.length] + " q" + i;
                    var page = curator.post("/api/search", "{\"text\":\"" + text + "\",\"size\":20}");
                    searches.add((System.nanoTime() - q) / 1e6);
                    tooks.add(page.getAsJsonObject().get("tookMs").getAsDouble());
                }
            });
            long left = samples;
            while (left > 0) {
                Thread.sleep(1000);
                try (ResultSet rs = sql.executeQuery("select count(*) from outbox where processed_at is null")) {
                    rs.next();
                    left = rs.getLong(1);
                }
                db.commit();
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "\rindexing: %d left · %.0f s · %d searches", left, elapsed, searches.size());
                if (elapsed > 3600) {
                    throw new IllegalStateException("the indexer left " + left + " events after an hour");
                }
            }
            double indexSeconds = (System.nanoTime() - start) / 1e9;
            indexing.set(false);
            searching.join();
            System.out.println();
            result.put("indexing_docs_per_second", Math.round(samples / indexSeconds));
            result.put("indexing_seconds", ReviewLatencyBenchmark.round(indexSeconds));
            List<Double> sorted = searches.stream().sorted().toList();
            result.put("search_p95_ms_while_indexing", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.95)));
            result.put("search_p50_ms_while_indexing", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.50)));
            result.put("searches_while_indexing", sorted.size());
            // Elasticsearch's own time for the search request ("took"), the rest being the server and the round trips
            List<Double> took = tooks.stream().sorted().toList();
            result.put("search_es_took_p95_ms_while_indexing", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(took, 0.95)));
            result.put("search_es_took_p50_ms_while_indexing", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(took, 0.50)));
        }
    }

    /** {@code curators} REST curators decide and claim for {@code seconds} while one Chromium curator measures. */
    private static void decide(RunningPlatform platform, Api admin, int curators, int seconds, Map<String, Object> result) throws Exception {
        List<Api> team = new ArrayList<>();
        for (int i = 0; i < curators; i++) {
            String name = "bench-curator-" + i;
            admin.post("/api/admin/users", "{\"username\":\"" + name + "\",\"password\":\"bench-password-" + i + "\",\"role\":\"CURATOR\"}");
            team.add(new Api(platform.baseUrl, name, "bench-password-" + i).withToken("bench", "CURATOR"));
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        long thinkMs = Long.getLong("ditto.bench.think-ms", 1000);
        ExecutorService pool = Executors.newFixedThreadPool(curators);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (Api curator : team) {
            loops.add(CompletableFuture.runAsync(() -> {
                JsonObject item = curator.post("/api/curation/next", "").getAsJsonObject();
                java.util.Random random = new java.util.Random(curator.hashCode());
                while (running.get() && item.has("sampleId")) {
                    if (thinkMs > 0) {
                        try {
                            Thread.sleep(thinkMs / 2 + (long) (random.nextDouble() * thinkMs));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    long t = System.nanoTime();
                    curator.raw("POST", "/api/curation/samples/" + item.get("sampleId").getAsLong() + "/decision", "{\"decision\":\"ACCEPT\"}");
                    HttpResponse<String> next = curator.raw("POST", "/api/curation/next", "");
                    latencies.add((System.nanoTime() - t) / 1e6);
                    item = next.statusCode() == 200 ? com.google.gson.JsonParser.parseString(next.body()).getAsJsonObject() : new JsonObject();
                }
            }, pool));
        }
        long start = System.nanoTime();
        List<String> preload = new ArrayList<>();
        List<Double> browser;
        try {
            browser = ReviewLatencyBenchmark.measure(platform, Integer.getInteger("ditto.bench.browser-decisions", 60), preload);
            long left = Duration.ofSeconds(seconds).toNanos() - (System.nanoTime() - start);
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
        } finally {
            // the curators stop whatever happened to the browser, or their threads would keep this process alive
            running.set(false);
            try {
                CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.out.println("a curator loop ended with " + e);
            }
            pool.shutdownNow();
        }
        List<Double> sorted = latencies.stream().sorted().toList();
        List<Double> page = browser.stream().sorted().toList();
        result.put("decision_to_next_p95_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(page, 0.95)));
        result.put("decision_to_next_p50_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(page, 0.50)));
        result.put("decision_to_next_measured", "Chromium on the Review page: key press to the next sample playing");
        result.put("browser_decisions", page.size());
        result.put("browser_decisions_not_playing_after_20s", browser.stream().filter(ms -> ms >= ReviewLatencyBenchmark.GIVE_UP_MS).count());
        // key press → playing by what the page held at the key press: the slow ones are those whose next sample had not arrived
        Map<String, List<Double>> byState = new java.util.TreeMap<>();
        for (int i = 0; i < browser.size(); i++) {
            byState.computeIfAbsent(preload.get(i), k -> new ArrayList<>()).add(ReviewLatencyBenchmark.round(browser.get(i)));
        }
        result.put("browser_ms_by_preload_state", byState);
        result.put("protocol_decision_to_next_p95_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.95)));
        result.put("protocol_decision_to_next_p50_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.50)));
        result.put("protocol_decisions", sorted.size());
        result.put("protocol_think_ms", thinkMs);
        result.put("decisions_per_second", ReviewLatencyBenchmark.round(sorted.size() / ((System.nanoTime() - start) / 1e9)));
    }

    /** Decides every sample with the word as one batch, reading the dashboard's batch list meanwhile. */
    private static void decideAll(Api admin, Map<String, Object> result) throws Exception {
        String query = "{\"text\":\"" + WORD + "\"}";
        long matches = admin.post("/api/curation/batches/count", "{\"query\":" + query + "}").getAsJsonObject().get("matches").getAsLong();
        long start = System.nanoTime();
        long id = admin.post("/api/curation/batches", "{\"query\":" + query + ",\"decision\":\"ACCEPT\",\"expectedCount\":" + matches + "}")
                .getAsJsonObject().get("id").getAsLong();
        List<Double> reads = new ArrayList<>();
        JsonObject batch;
        do {
            long t = System.nanoTime();
            admin.get("/api/curation/batches?limit=20");
            reads.add((System.nanoTime() - t) / 1e6);
            batch = admin.get("/api/curation/batches/" + id).getAsJsonObject();
            Thread.sleep(200);
        } while (batch.get("state").getAsString().equals("RUNNING"));
        double seconds = (System.nanoTime() - start) / 1e9;
        result.put("decide_all_matches", matches);
        result.put("decide_all_decided", batch.get("decided").getAsLong());
        result.put("decide_all_state", batch.get("state").getAsString());
        result.put("decide_all_seconds", ReviewLatencyBenchmark.round(seconds));
        result.put("decide_all_100k_seconds", matches >= 100_000 ? ReviewLatencyBenchmark.round(seconds) : null);
        result.put("dashboard_p95_ms_during_decide_all",
                ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(reads.stream().sorted().toList(), 0.95)));
    }
}
