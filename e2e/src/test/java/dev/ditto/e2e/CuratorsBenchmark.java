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
 *   <li>{@code decision_to_next_p95_ms}: {@code curators} protocol-level curators (REST with an API token, one user each) deciding and
 *       claiming the next sample for {@code seconds}; one real Chromium curator meanwhile measures decision → next
 *       sample playing in the page ({@code browser_decision_to_playable_p95_ms});</li>
 *   <li>{@code decide_all_seconds}: a "decide all" batch of every sample whose instruction has the word "harbourlight"
 *       (a tenth of the corpus, so 100,000 at a million; {@code decide_all_100k_seconds} is written only at that size),
 *       with the dashboard's batch list read meanwhile ({@code dashboard_p95_ms_during_decide_all}).</li>
 * </ul>
 * Writes {@code <out>/curators.json}; nothing is asserted.
 */
public final class CuratorsBenchmark {
    private static final String WORD = "harbourlight";

    private CuratorsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int curators = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Files.createDirectories(out);
        Map<String, Object> result = new LinkedHashMap<>();
        RunningPlatform platform = RunningPlatform.fresh(List.of("--ditto.agent.judge-min-overall=0"));
        try {
            Api admin = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);
            ReviewLatencyBenchmark.makeSamples(platform, admin, 2);
            index(platform, admin, samples, result);
            decide(platform, admin, curators, seconds, result);
            decideAll(admin, result);
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
            sql.execute("""
                    insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                    select t.source_id, t.clip_id, t.category,
                           'make it look like ' || (array['a watercolour painting', 'an oil painting', 'a pencil sketch',
                             'a neon night', 'a snowy morning', 'a film noir still', 'a pastel cartoon', 'an old photograph'])[1 + g %% 8]
                           || case when g %% 10 = 0 then ' with %s glow' else '' end || ' (variant ' || g || ')',
                           '{}', 'bench', 'bench', 'v1'
                    from (select * from samples where status = 'IN_REVIEW' order by id limit 1) t, generate_series(1, %d) g"""
                    .formatted(WORD, samples));
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
            CompletableFuture<Void> searching = CompletableFuture.runAsync(() -> {
                Api curator = searcher;
                String[] words = {"watercolour", "oil painting", "neon", "snowy", "pencil", "cartoon"};
                for (int i = 0; indexing.get(); i++) {
                    long q = System.nanoTime();
                    curator.post("/api/search", "{\"text\":\"" + words[i % words.length] + "\",\"size\":20}");
                    searches.add((System.nanoTime() - q) / 1e6);
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
        ExecutorService pool = Executors.newFixedThreadPool(curators);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (Api curator : team) {
            loops.add(CompletableFuture.runAsync(() -> {
                JsonObject item = curator.post("/api/curation/next", "").getAsJsonObject();
                while (running.get() && item.has("sampleId")) {
                    long t = System.nanoTime();
                    curator.raw("POST", "/api/curation/samples/" + item.get("sampleId").getAsLong() + "/decision", "{\"decision\":\"ACCEPT\"}");
                    HttpResponse<String> next = curator.raw("POST", "/api/curation/next", "");
                    latencies.add((System.nanoTime() - t) / 1e6);
                    item = next.statusCode() == 200 ? com.google.gson.JsonParser.parseString(next.body()).getAsJsonObject() : new JsonObject();
                }
            }, pool));
        }
        long start = System.nanoTime();
        List<Double> browser = ReviewLatencyBenchmark.measure(platform, 20);
        long left = Duration.ofSeconds(seconds).toNanos() - (System.nanoTime() - start);
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        running.set(false);
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        List<Double> sorted = latencies.stream().sorted().toList();
        List<Double> page = browser.stream().sorted().toList();
        result.put("decision_to_next_p95_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.95)));
        result.put("decision_to_next_p50_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(sorted, 0.50)));
        result.put("decisions", sorted.size());
        result.put("decisions_per_second", ReviewLatencyBenchmark.round(sorted.size() / ((System.nanoTime() - start) / 1e9)));
        result.put("browser_decision_to_playable_p95_ms", ReviewLatencyBenchmark.round(ReviewLatencyBenchmark.percentile(page, 0.95)));
        result.put("browser_decisions", page.size());
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
