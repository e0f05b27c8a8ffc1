package dev.ditto.e2e;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.ditto.db.embedded.EmbeddedS3Proxy;
import dev.ditto.db.testing.SharedInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code ./ditto bench scale [runners] [seconds] [jobsPerSecond] [megabytes]}: the platform with a large fleet (issue 19).
 * <ol>
 *   <li>The packaged server on the build's test PostgreSQL/Elasticsearch; {@code runners} (5,000) runner tokens, each
 *       registering and then long-polling {@code POST /api/runner/claim} as {@code ditto-runner} does (same JSON, bearer
 *       token, {@code waitSeconds} 25), from one {@link HttpClient} on virtual threads. PROBE jobs are queued at
 *       {@code jobsPerSecond}, one per transaction (so each one is a NOTIFY); a runner that gets one fails it at once
 *       (not retryable: parked) and long-polls again. For {@code seconds} (150) it measures queued → claimed
 *       ({@code claim_p99_ms}), the claim request of a poll that got a job, how far an empty poll overran its wait,
 *       the server's live threads and heap ({@code /actuator/metrics}) and the dashboard's overview page in Chromium
 *       (navigation → the runners card drawn, {@code overview_p95_ms}) and {@code GET /api/admin/runners} meanwhile.</li>
 *   <li>{@code megabytes} (200) of random bytes up to and down from s3proxy (the project's S3 mode): through presigned
 *       URLs with {@link HttpClient} as the runner moves artefacts and inputs, and with the S3 SDK's own put/get, the
 *       client the server uses; 3 alternating rounds, medians; {@code presigned_to_direct_ratio} is the presigned
 *       throughput over the direct one (upload + download).</li>
 * </ol>
 * Writes {@code <out>/scale.json}; nothing is asserted.
 */
public final class ScaleBenchmark {
    private static final int WAIT_SECONDS = 25;
    private static final int OVERVIEW_TIMEOUT_MS = 60_000;
    private static final String PAYLOAD = """
            {"type":"PROBE","v":1,"sourceId":999999999,"video":{"key":"%s","size":4200000,"contentType":"video/mp4"},\
            "originalName":"scale-bench.mp4","format":{"width":832,"height":480,"frames":73,"fps":20},\
            "minClipSeconds":2.0,"maxClipSeconds":8.0}""".formatted("a".repeat(64));

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        int runners = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 150;
        double jobsPerSecond = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int megabytes = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Files.createDirectories(out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "scale");
        result.put("runners", runners);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", loadAverage());
        long began = System.nanoTime();
        RunningPlatform platform = RunningPlatform.fresh(List.of());
        try {
            fleet(platform, runners, seconds, jobsPerSecond, result);
        } catch (Exception e) { // the figures so far and why it stopped, rather than nothing
            e.printStackTrace();
            result.put("fleet_failed", String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        } finally {
            platform.stop();
        }
        transfers(megabytes, result);
        result.put("load_average_at_end", loadAverage());
        result.put("total_seconds", Math.round((System.nanoTime() - began) / 1e9));
        result.put("machine", "2 cores shared with other work (load averages above); server -Xmx1g, the benchmark's JVM "
                + "runs the simulated runners, Chromium and the S3 clients on the same cores");
        result.put("measured_at", Instant.now().toString());
        String json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(result);
        Files.writeString(out.resolve("scale.json"), json + "\n");
        System.out.println(json);
        System.out.printf(Locale.ROOT, "%d runners: claim p99 %s ms, overview p95 %s ms, presigned/direct %s%n", runners,
                result.get("claim_p99_ms"), result.get("overview_p95_ms"), result.get("presigned_to_direct_ratio"));
    }

    // ---------------------------------------------------------------- the fleet

    private static void fleet(RunningPlatform platform, int runners, int seconds, double jobsPerSecond,
                              Map<String, Object> result) throws Exception {
        Api admin = new Api(platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD).withToken("scale bench", "ADMIN");
        List<String> tokens = createRunners(platform, runners);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        Samples register = new Samples();
        AtomicLong errors = new AtomicLong();
        List<String> errorExamples = Collections.synchronizedList(new ArrayList<>());
        Semaphore registering = new Semaphore(32);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runners; i++) {
                String token = tokens.get(i);
                int index = i;
                pool.execute(() -> {
                    registering.acquireUninterruptibly();
                    try {
                        long t = System.nanoTime();
                        HttpResponse<String> r = post(http, URI.create(platform.baseUrl + "/api/runner/register"), token, """
                                {"name":"scale-%d","host":"bench-host","capabilities":{"cpus":8,"memoryMb":32768,"gpus":["bench"]},\
                                "stages":["probe"],"version":"scale-bench"}""".formatted(index), Duration.ofSeconds(60));
                        register.add((System.nanoTime() - t) / 1e6);
                        if (r.statusCode() != 200) {
                            error(errors, errorExamples, "register " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        error(errors, errorExamples, "register " + e);
                    } finally {
                        registering.release();
                    }
                });
            }
        }
        System.out.printf(Locale.ROOT, "%d runners registered in %.1f s (p99 %.0f ms)%n", runners, (System.nanoTime() - t0) / 1e9,
                register.percentile(0.99));

        // the curator's browser is open and signed in before the fleet polls: what is timed is the overview page
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of("/usr/bin/chromium"))
                     .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900)).newPage();
            page.setDefaultTimeout(OVERVIEW_TIMEOUT_MS);
            BrowserJourney.signIn(page, platform.baseUrl, "admin", RunningPlatform.ADMIN_PASSWORD);
            poll(platform, page, admin, http, tokens, register, errors, errorExamples, seconds, jobsPerSecond, result);
        } finally {
            http.shutdownNow(); // a failed run leaves no poller waiting on the server
        }
    }

    private static void poll(RunningPlatform platform, Page page, Api admin, HttpClient http, List<String> tokens, Samples register,
                             AtomicLong errors, List<String> errorExamples, int seconds, double jobsPerSecond,
                             Map<String, Object> result) throws Exception {
        int runners = tokens.size();
        URI claimUri = URI.create(platform.baseUrl + "/api/runner/claim");
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicLong inFlight = new AtomicLong();
        Map<Long, Long> claimedAt = new ConcurrentHashMap<>();
        Map<Long, Long> queuedAt = new ConcurrentHashMap<>();
        Samples claimRequest = new Samples();
        Samples emptyOverrun = new Samples();
        Samples failRequest = new Samples();
        AtomicLong empties = new AtomicLong();
        List<Thread> pollers = new ArrayList<>();
        long rampNanos = Duration.ofSeconds(Math.max(10, runners / 200)).toNanos();
        long rampStart = System.nanoTime();
        for (int i = 0; i < runners; i++) {
            String token = tokens.get(i);
            long startAt = rampStart + rampNanos * i / runners;
            pollers.add(Thread.ofVirtual().name("runner-" + i).start(() -> {
                sleepUntil(startAt);
                while (polling.get()) {
                    long t = System.nanoTime();
                    try {
                        inFlight.incrementAndGet();
                        HttpResponse<String> r;
                        try {
                            r = post(http, claimUri, token, "{\"types\":[\"PROBE\"],\"waitSeconds\":" + WAIT_SECONDS + "}",
                                    Duration.ofSeconds(30 + WAIT_SECONDS));
                        } finally {
                            inFlight.decrementAndGet();
                        }
                        long now = System.nanoTime();
                        if (r.statusCode() == 204) {
                            empties.incrementAndGet();
                            if (measuring.get()) {
                                emptyOverrun.add((now - t) / 1e6 - WAIT_SECONDS * 1000.0);
                            }
                        } else if (r.statusCode() == 200) {
                            JsonObject job = JsonParser.parseString(r.body()).getAsJsonObject();
                            long jobId = job.get("jobId").getAsLong();
                            claimedAt.putIfAbsent(jobId, now);
                            if (measuring.get()) {
                                claimRequest.add((now - t) / 1e6);
                            }
                            long f = System.nanoTime();
                            HttpResponse<String> failed = post(http, URI.create(platform.baseUrl + "/api/runner/jobs/" + jobId + "/fail"),
                                    token, "{\"attempt\":" + job.get("attempt").getAsInt()
                                            + ",\"error\":\"scale bench: simulated runner\",\"retryable\":false,\"handBack\":false}", Duration.ofSeconds(60));
                            if (measuring.get()) {
                                failRequest.add((System.nanoTime() - f) / 1e6);
                            }
                            if (failed.statusCode() / 100 != 2) {
                                error(errors, errorExamples, "fail " + failed.statusCode() + " " + failed.body());
                            }
                        } else {
                            error(errors, errorExamples, "claim " + r.statusCode() + " " + r.body());
                            Thread.sleep(1000);
                        }
                    } catch (IOException e) {
                        if (polling.get()) {
                            error(errors, errorExamples, "claim " + e);
                            sleepQuietly(1000);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        Thread.sleep(rampNanos / 1_000_000);
        System.out.printf(Locale.ROOT, "%d runners long-polling (%d requests open); warming up 20 s%n", runners, inFlight.get());
        Thread.sleep(20_000);

        // jobs at a steady rate, one per transaction, each committed before its queued-at stamp is compared
        AtomicBoolean queueing = new AtomicBoolean(true);
        Thread enqueuer = Thread.ofPlatform().name("enqueuer").start(() -> {
            try (Connection db = platform.schema.dataSource().getConnection();
                 PreparedStatement insert = db.prepareStatement("""
                         insert into jobs (type, payload, payload_version, priority, max_attempts, available_at, created_at)
                         values ('PROBE', cast(? as jsonb), 1, 0, 3, now(), now()) returning id""")) {
                db.setAutoCommit(true);
                insert.setString(1, PAYLOAD);
                long interval = (long) (1e9 / jobsPerSecond);
                long next = System.nanoTime();
                while (queueing.get()) {
                    sleepUntil(next);
                    next += interval;
                    long t = System.nanoTime();
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        queuedAt.put(rs.getLong(1), t);
                    }
                }
            } catch (Exception e) {
                error(errors, errorExamples, "enqueue " + e);
            }
        });

        measuring.set(true);
        long measureStart = System.nanoTime();
        Samples threads = new Samples();
        Samples heap = new Samples();
        Samples restOverview = new Samples();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().name("sampler").start(() -> {
            while (sampling.get()) {
                try {
                    threads.add(metric(admin, "jvm.threads.live", ""));
                    heap.add(metric(admin, "jvm.memory.used", "?tag=area:heap") / 1024 / 1024);
                    long t = System.nanoTime();
                    admin.get("/api/admin/runners");
                    restOverview.add((System.nanoTime() - t) / 1e6);
                } catch (RuntimeException e) {
                    error(errors, errorExamples, "metrics " + e.getMessage());
                }
                sleepQuietly(2000);
            }
        });
        Samples pending = new Samples();
        Thread poolSampler = Thread.ofPlatform().name("pool-sampler").start(() -> {
            while (sampling.get()) {
                try {
                    pending.add(metric(admin, "hikaricp.connections.pending", ""));
                } catch (RuntimeException e) {
                    return; // not exposed: left out
                }
                sleepQuietly(2000);
            }
        });
        ProcessHandle server = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains("ditto-server.jar"))
                .findFirst().orElse(null);
        Duration cpuAtStart = server == null ? Duration.ZERO : server.info().totalCpuDuration().orElse(Duration.ZERO);
        AtomicLong overviewFailures = new AtomicLong();
        Samples overview = overviewPage(page, platform.baseUrl, measureStart + Duration.ofSeconds(seconds).toNanos(), polling, inFlight,
                overviewFailures, errorExamples);
        long left = measureStart + Duration.ofSeconds(seconds).toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        double measured = (System.nanoTime() - measureStart) / 1e9;
        Duration cpuAtEnd = server == null ? Duration.ZERO : server.info().totalCpuDuration().orElse(Duration.ZERO);
        queueing.set(false);
        enqueuer.join();
        Thread.sleep(5000); // the last jobs' claims land
        measuring.set(false);
        sampling.set(false);
        sampler.join();
        poolSampler.join();
        long openAtEnd = inFlight.get();
        polling.set(false);
        http.shutdownNow();
        pollers.forEach(Thread::interrupt);
        for (Thread p : pollers) {
            p.join(Duration.ofSeconds(30));
        }

        Samples queueToClaim = new Samples();
        long unclaimed = 0;
        for (Map.Entry<Long, Long> e : queuedAt.entrySet()) {
            Long c = claimedAt.get(e.getKey());
            if (c == null) {
                unclaimed++;
            } else {
                queueToClaim.add(Math.max(0, c - e.getValue()) / 1e6);
            }
        }
        result.put("claim_p99_ms", round(queueToClaim.percentile(0.99)));
        result.put("overview_p95_ms", round(overview.percentile(0.95)));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jobs_queued", queuedAt.size());
        claims.put("jobs_claimed", queueToClaim.size());
        claims.put("jobs_not_claimed_5s_after_queueing_stopped", unclaimed);
        claims.put("jobs_per_second_queued", round(queuedAt.size() / measured));
        claims.put("queued_to_claimed_p50_ms", round(queueToClaim.percentile(0.50)));
        claims.put("queued_to_claimed_p99_ms", round(queueToClaim.percentile(0.99)));
        claims.put("queued_to_claimed_max_ms", round(queueToClaim.percentile(1.0)));
        claims.put("claim_request_with_job_p50_ms", round(claimRequest.percentile(0.50)));
        claims.put("claim_request_with_job_p99_ms", round(claimRequest.percentile(0.99)));
        claims.put("empty_poll_overrun_p50_ms", round(emptyOverrun.percentile(0.50)));
        claims.put("empty_poll_overrun_p99_ms", round(emptyOverrun.percentile(0.99)));
        claims.put("empty_polls", empties.get());
        claims.put("fail_request_p99_ms", round(failRequest.percentile(0.99)));
        claims.put("register_p50_ms", round(register.percentile(0.50)));
        claims.put("register_p99_ms", round(register.percentile(0.99)));
        claims.put("long_polls_open_at_end", openAtEnd);
        claims.put("errors", errors.get());
        claims.put("error_examples", List.copyOf(errorExamples));
        claims.put("wait_seconds", WAIT_SECONDS);
        claims.put("measured_seconds", round(measured));
        result.put("claims", claims);
        Map<String, Object> serverFigures = new LinkedHashMap<>();
        serverFigures.put("live_threads_max", whole(threads.percentile(1.0)));
        serverFigures.put("live_threads_median", whole(threads.percentile(0.5)));
        serverFigures.put("heap_used_mb_max", whole(heap.percentile(1.0)));
        serverFigures.put("heap_used_mb_median", whole(heap.percentile(0.5)));
        serverFigures.put("heap_max_mb", 1024);
        serverFigures.put("cpu_cores_used_while_measuring", server == null ? null : round((cpuAtEnd.toMillis() - cpuAtStart.toMillis()) / 1000.0 / measured));
        serverFigures.put("db_connections_pending_max", whole(pending.percentile(1.0)));
        serverFigures.put("source", "/actuator/metrics jvm.threads.live (platform threads; virtual threads are not counted) and "
                + "jvm.memory.used{area=heap}, every 2 s");
        result.put("server", serverFigures);
        Map<String, Object> dashboard = new LinkedHashMap<>();
        dashboard.put("overview_page_loads", overview.size());
        dashboard.put("overview_loads_failed", overviewFailures.get());
        dashboard.put("overview_p50_ms", round(overview.percentile(0.50)));
        dashboard.put("overview_p95_ms", round(overview.percentile(0.95)));
        dashboard.put("overview_measured_as", "Chromium: navigation to / until the Runners card and grid are drawn, signed in as admin");
        dashboard.put("rest_runner_list_requests", restOverview.size());
        dashboard.put("rest_runner_list_p50_ms", round(restOverview.percentile(0.50)));
        dashboard.put("rest_runner_list_p95_ms", round(restOverview.percentile(0.95)));
        result.put("dashboard", dashboard);
        System.out.printf(Locale.ROOT, "claims: %d queued, %d claimed; queued → claimed p50 %.0f ms, p99 %.0f ms; %d errors%n",
                queuedAt.size(), queueToClaim.size(), queueToClaim.percentile(0.5), queueToClaim.percentile(0.99), errors.get());
    }

    /** Runner rows with tokens of our own (stored as the server stores them: sha256), in one statement. */
    private static List<String> createRunners(RunningPlatform platform, int runners) throws Exception {
        List<String> tokens = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        try (Connection db = platform.schema.dataSource().getConnection();
             PreparedStatement insert = db.prepareStatement(
                     "insert into runners (name, token_hash, token_hint, created_at) values (?, ?, ?, now())")) {
            db.setAutoCommit(false);
            for (int i = 0; i < runners; i++) {
                byte[] secret = new byte[24];
                random.nextBytes(secret);
                String token = "dtr_" + HexFormat.of().formatHex(secret);
                tokens.add(token);
                insert.setString(1, "scale-" + i);
                insert.setString(2, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));
                insert.setString(3, token.substring(0, 8) + "…");
                insert.addBatch();
            }
            insert.executeBatch();
            db.commit();
        }
        return tokens;
    }

    /**
     * Opens the overview page again and again until {@code until} (5 times at least), timing navigation → runners card
     * and grid drawn; a load that fails (time-out) is counted and kept as {@link #OVERVIEW_TIMEOUT_MS} in the figures.
     */
    private static Samples overviewPage(Page page, String baseUrl, long until, AtomicBoolean polling, AtomicLong inFlight,
                                        AtomicLong failures, List<String> errorExamples) {
        Samples loads = new Samples();
        for (int i = 1; (System.nanoTime() < until || i <= 5) && polling.get(); i++) { // at least 5 loads
            long t = System.nanoTime();
            try {
                page.navigate("about:blank");
                t = System.nanoTime();
                page.navigate(baseUrl + "/");
                page.waitForSelector("[data-testid=card-runners-summary]");
                page.waitForSelector("[data-testid=runners] vaadin-grid-cell-content:has-text('scale-')");
                double ms = (System.nanoTime() - t) / 1e6;
                loads.add(ms);
                System.out.printf(Locale.ROOT, "overview %d: %.0f ms (%d long polls open)%n", i, ms, inFlight.get());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                loads.add(Math.max(OVERVIEW_TIMEOUT_MS, (System.nanoTime() - t) / 1e6));
                String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                System.out.printf(Locale.ROOT, "overview %d failed: %s%n", i, first);
                if (errorExamples.size() < 10) {
                    errorExamples.add("overview " + first);
                }
            }
            page.waitForTimeout(3000);
        }
        return loads;
    }

    private static double metric(Api admin, String name, String query) {
        JsonObject m = admin.get("/actuator/metrics/" + name + query).getAsJsonObject();
        return m.getAsJsonArray("measurements").get(0).getAsJsonObject().get("value").getAsDouble();
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, String token, String json, Duration timeout)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("User-Agent", "ditto-runner").header("Content-Type", "application/json")
                .header("Accept", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------- presigned vs direct

    private static void transfers(int megabytes, Map<String, Object> result) throws Exception {
        EmbeddedS3Proxy store = SharedInfrastructure.s3proxy();
        String bucket = SharedInfrastructure.newBucketName();
        Path dir = Files.createDirectories(RunningPlatform.checkout().resolve("e2e/target/scale-bench"));
        Path file = dir.resolve("payload.bin");
        Path back = dir.resolve("download.bin");
        writeRandom(file, megabytes * 1024L * 1024L);
        String sha = sha256(file);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(EmbeddedS3Proxy.IDENTITY, EmbeddedS3Proxy.CREDENTIAL));
        S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        // as the server's S3BlobStore builds them
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials).serviceConfiguration(service)
                .endpointOverride(URI.create(store.endpoint()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
             S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .serviceConfiguration(service).endpointOverride(URI.create(store.endpoint())).build();
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                     .followRedirects(HttpClient.Redirect.NEVER).build()) {
            s3.createBucket(b -> b.bucket(bucket));
            Samples presignedUp = new Samples();
            Samples presignedDown = new Samples();
            Samples directUp = new Samples();
            Samples directDown = new Samples();
            for (int round = 1; round <= 3; round++) {
                String key = "scale/presigned-" + round;
                URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(15))
                        .putObjectRequest(o -> o.bucket(bucket).key(key))).url().toURI();
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(put).header("User-Agent", "ditto-runner")
                        .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
                presignedUp.add((System.nanoTime() - t) / 1e9);
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("presigned PUT answered " + r.statusCode() + ": " + r.body());
                }
                URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(15))
                        .getObjectRequest(g -> g.bucket(bucket).key(key).responseContentType("application/octet-stream"))).url().toURI();
                t = System.nanoTime();
                HttpResponse<InputStream> d = http.send(HttpRequest.newBuilder(get).header("User-Agent", "ditto-runner").GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                String got = copyHashing(d.body(), back);
                presignedDown.add((System.nanoTime() - t) / 1e9);
                check(d.statusCode() == 200 && got.equals(sha), "presigned GET", d.statusCode());

                String direct = "scale/direct-" + round;
                t = System.nanoTime();
                s3.putObject(o -> o.bucket(bucket).key(direct), RequestBody.fromFile(file));
                directUp.add((System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                got = copyHashing(s3.getObject(g -> g.bucket(bucket).key(direct)), back);
                directDown.add((System.nanoTime() - t) / 1e9);
                check(got.equals(sha), "direct GET", 200);
                s3.deleteObject(o -> o.bucket(bucket).key(key));
                s3.deleteObject(o -> o.bucket(bucket).key(direct));
                System.out.printf(Locale.ROOT, "round %d: presigned up %.2f s down %.2f s · direct up %.2f s down %.2f s%n", round,
                        presignedUp.last(), presignedDown.last(), directUp.last(), directDown.last());
            }
            s3.deleteBucket(b -> b.bucket(bucket));
            double mb = megabytes;
            double presigned = presignedUp.percentile(0.5) + presignedDown.percentile(0.5);
            double direct = directUp.percentile(0.5) + directDown.percentile(0.5);
            result.put("presigned_to_direct_ratio", Math.round(direct / presigned * 1000) / 1000.0);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("megabytes", megabytes);
            t.put("rounds", 3);
            t.put("presigned_upload_mb_per_s", round(mb / presignedUp.percentile(0.5)));
            t.put("presigned_download_mb_per_s", round(mb / presignedDown.percentile(0.5)));
            t.put("direct_upload_mb_per_s", round(mb / directUp.percentile(0.5)));
            t.put("direct_download_mb_per_s", round(mb / directDown.percentile(0.5)));
            t.put("upload_ratio", Math.round(directUp.percentile(0.5) / presignedUp.percentile(0.5) * 1000) / 1000.0);
            t.put("download_ratio", Math.round(directDown.percentile(0.5) / presignedDown.percentile(0.5) * 1000) / 1000.0);
            t.put("store", "s3proxy (filesystem) on this machine, path-style, as in docs/storage.md");
            t.put("presigned", "java.net.http.HttpClient PUT ofFile / GET streamed to a file through SHA-256, as ditto-runner");
            t.put("direct", "AWS SDK S3Client putObject(fromFile) / getObject streamed to a file through SHA-256, configured as the server's S3BlobStore");
            result.put("transfers", t);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(back);
        }
    }

    private static void check(boolean ok, String what, int status) {
        if (!ok) {
            throw new IllegalStateException(what + " failed (HTTP " + status + " or the bytes differ)");
        }
    }

    private static void writeRandom(Path file, long bytes) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
    }

    private static String copyHashing(InputStream in, Path target) throws IOException {
        MessageDigest sha = sha();
        try (in; OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws IOException {
        return copyHashing(Files.newInputStream(file), Path.of("/dev/null"));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- small helpers

    private static void error(AtomicLong errors, List<String> examples, String what) {
        errors.incrementAndGet();
        if (examples.size() < 10) {
            examples.add(what.length() > 300 ? what.substring(0, 300) : what);
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            sleepQuietly(left / 1_000_000);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A whole number; null (JSON null) when no sample answered. */
    private static Long whole(double v) {
        return Double.isNaN(v) ? null : Math.round(v);
    }

    /** One decimal; null (JSON null) when there was nothing to measure. */
    private static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    /** Thread-safe samples with percentiles. */
    private static final class Samples {
        private final List<Double> values = Collections.synchronizedList(new ArrayList<>());

        void add(double v) {
            values.add(v);
        }

        int size() {
            return values.size();
        }

        double last() {
            synchronized (values) {
                return values.isEmpty() ? Double.NaN : values.getLast();
            }
        }

        double percentile(double p) {
            List<Double> sorted;
            synchronized (values) {
                sorted = values.stream().sorted().toList();
            }
            return sorted.isEmpty() ? Double.NaN : ReviewLatencyBenchmark.percentile(sorted, p);
        }
    }
}
