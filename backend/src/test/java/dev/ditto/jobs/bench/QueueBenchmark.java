package dev.ditto.jobs.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ditto.db.Migrations;
import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.db.embedded.ServerFolder;
import dev.ditto.jobs.JobQueue;
import dev.ditto.jobs.PostgresJobQueue;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.protocol.VideoFormat;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claim + complete cycles per second of the PostgreSQL job queue with many concurrent simulated runners,
 * against its own embedded PostgreSQL under {@code target/}. Writes {@code <out-dir>/queue.json}.
 *
 * <p>Arguments: {@code <out-dir> [runners=200] [seconds=20] [pool=16]}. A runner completes each job with
 * {@code completeAndClaimNext} (the completion carries the request for its next job, as {@code ditto-runner} does);
 * {@code -Dbench.cycle=separate} times a claim and a completion as two calls instead.
 */
public final class QueueBenchmark {
    private static final List<JobType> TYPES = List.of(JobType.PROBE);
    private static final boolean COMBINED = !"separate".equals(System.getProperty("bench.cycle", "combined"));
    private static final int WARMUP_SECONDS = 10; // C2 compiles the hot paths in the first seconds on 2 cores

    private QueueBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of(args.length > 0 ? args[0] : "bench-results");
        int runners = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int poolSize = args.length > 3 ? Integer.parseInt(args[3]) : 16;

        Files.createDirectories(Path.of("target"));
        Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "queue-bench-");
        // PostgreSQL runs as an unprivileged user when we are root: it must be able to enter the folder
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        EmbeddedPostgres pg = EmbeddedPostgres.start(root, freePort());
        try {
            pg.createDatabaseIfMissing("bench");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(pg.jdbcUrl("bench"));
            config.setUsername(pg.username());
            config.setPassword(pg.password());
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(poolSize);
            config.setPoolName("bench");
            if (Boolean.getBoolean("bench.noFsyncWait")) {
                // diagnosis only: what the queue does when commits never wait for the disk
                config.setConnectionInitSql("set synchronous_commit = off");
            }
            try (HikariDataSource ds = new HikariDataSource(config)) {
                Migrations.migrate(ds, "public");
                Map<String, Object> result = run(ds, runners, seconds, poolSize, ServerFolder.existing(root).resolve("postgres"));
                write(outDir.resolve("queue.json"), result);
                print(result);
            }
        } finally {
            pg.close();
            deleteQuietly(root);
        }
    }

    private static Map<String, Object> run(HikariDataSource ds, int runners, int seconds, int poolSize, Path pgData)
            throws Exception {
        JdbcClient jdbc = JdbcClient.create(ds);
        JobQueue queue = PostgresJobQueue.standalone(ds, Clock.systemUTC(), new DittoProperties.Runner(60, 10, 3, 2048, 25, 5));
        long[] runnerIds = new long[runners];
        for (int i = 0; i < runners; i++) {
            runnerIds[i] = jdbc.sql("insert into runners (name, token_hash, token_hint) values (:n, :h, 'dtr_bench') returning id")
                    .param("n", "bench-" + i).param("h", "hash-" + i).query(Long.class).single();
        }
        ProbePayload payload = new ProbePayload(1, 1, new BlobRef("a".repeat(64), 4_200_000, "video/mp4"), "bench.mp4",
                VideoFormat.DITTO_DEFAULT, 2.0, 8.0);
        String payloadJson = JsonMapper.builder().build().writerFor(JobPayload.class).writeValueAsString(payload);
        queue.enqueue(JobType.PROBE, payload, 0, null, null); // the real enqueue path once, then in bulk
        AtomicLong enqueued = new AtomicLong(1 + enqueueBulk(jdbc, payloadJson, 60_000));
        jdbc.sql("analyze jobs").update(); // what autovacuum does after a bulk load, before the first claim
        ProbeResult result = new ProbeResult(1, 6.0, 25.0, 640, 480, "h264", List.of(), List.of("bench"),
                Map.of("probe", new StageTiming(0.1, 0.1, 0)), new Provenance("bench", List.of()));

        AtomicLong completed = new AtomicLong();
        long warmupEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long[][] claimMicros = new long[runners][];
        long[][] completeMicros = new long[runners][];
        long[][] claimDbMicros = new long[runners][];
        long[] cycles = new long[runners];
        long[] emptyClaims = new long[runners];
        CountDownLatch start = new CountDownLatch(1);
        // The server in front of the queue: at most as many requests in the database as it has connections
        // (Tomcat's workers queue for the pool the same way); without it 200 threads spin on the pool's hand-off.
        Semaphore gate = new Semaphore(poolSize, true);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < runners; r++) {
            int index = r;
            threads.add(Thread.ofVirtual().name("runner-" + r).start(() -> {
                long[] claims = new long[1 << 14];
                long[] completes = new long[1 << 14];
                long[] claimsInside = new long[1 << 14];
                int n = 0;
                awaitQuietly(start);
                Optional<JobAssignment> held = Optional.empty();
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    long inside = t0;
                    Optional<JobAssignment> job = held;
                    if (job.isEmpty()) {
                        gate.acquireUninterruptibly();
                        inside = System.nanoTime();
                        try {
                            job = queue.claimNext(runnerIds[index], TYPES);
                        } finally {
                            gate.release();
                        }
                    }
                    long t1 = System.nanoTime();
                    if (job.isEmpty()) {
                        emptyClaims[index]++;
                        continue;
                    }
                    JobAssignment claimed = job.get();
                    if (COMBINED) {
                        // as a runner that keeps working: the completion carries the request for its next job
                        held = gated(gate, () -> queue.completeAndClaimNext(claimed.jobId(), runnerIds[index],
                                claimed.attempt(), result, TYPES)).next();
                    } else {
                        gated(gate, () -> queue.complete(claimed.jobId(), runnerIds[index], claimed.attempt(), result));
                    }
                    long t2 = System.nanoTime();
                    completed.incrementAndGet();
                    if (t0 >= warmupEnd) {
                        if (n == claims.length) {
                            claims = Arrays.copyOf(claims, n * 2);
                            completes = Arrays.copyOf(completes, n * 2);
                            claimsInside = Arrays.copyOf(claimsInside, n * 2);
                        }
                        claims[n] = (t1 - t0) / 1000;
                        claimsInside[n] = (t1 - inside) / 1000;
                        completes[n] = (t2 - t1) / 1000;
                        n++;
                    }
                }
                claimMicros[index] = Arrays.copyOf(claims, n);
                completeMicros[index] = Arrays.copyOf(completes, n);
                claimDbMicros[index] = Arrays.copyOf(claimsInside, n);
                cycles[index] = n;
            }));
        }
        Thread producer = Thread.ofPlatform().daemon().name("producer").start(() -> {
            while (System.nanoTime() < end) {
                if (enqueued.get() - completed.get() < 30_000) {
                    enqueued.addAndGet(enqueueBulk(jdbc, payloadJson, 10_000));
                } else {
                    sleepQuietly(50);
                }
            }
        });
        double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        start.countDown();
        // CPU is counted over the measured window only (after the warm-up), for the JVM and every PostgreSQL process
        sleepQuietly(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
        long cpuBefore = processCpuNanos();
        long pgCpuBefore = postgresCpuNanos(pgData);
        for (Thread t : threads) {
            t.join();
        }
        long cpuAfter = processCpuNanos();
        long pgCpuAfter = postgresCpuNanos(pgData);
        producer.join();

        long totalCycles = Arrays.stream(cycles).sum();
        long[] claimsAll = Arrays.stream(claimMicros).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] claimsDb = Arrays.stream(claimDbMicros).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] completesAll = Arrays.stream(completeMicros).flatMapToLong(Arrays::stream).sorted().toArray();
        long succeeded = jdbc.sql("select count(*) from jobs where status = 'SUCCEEDED'").query(Long.class).single();
        long doubleCompleted = jdbc.sql("select count(*) from jobs where status = 'SUCCEEDED' and attempts <> 1")
                .query(Long.class).single();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runners", runners);
        out.put("cycles_per_second", round(totalCycles / (double) seconds));
        out.put("claim_p50_ms", round(percentile(claimsAll, 0.50) / 1000.0));
        out.put("claim_p99_ms", round(percentile(claimsAll, 0.99) / 1000.0));
        out.put("claim_in_database_p50_ms", round(percentile(claimsDb, 0.50) / 1000.0));
        out.put("claim_in_database_p99_ms", round(percentile(claimsDb, 0.99) / 1000.0));
        out.put("complete_p50_ms", round(percentile(completesAll, 0.50) / 1000.0));
        out.put("complete_p99_ms", round(percentile(completesAll, 0.99) / 1000.0));
        out.put("cycles", totalCycles);
        out.put("measured_seconds", seconds);
        out.put("warmup_seconds", WARMUP_SECONDS);
        out.put("empty_claims", Arrays.stream(emptyClaims).sum());
        out.put("jobs_succeeded_total", succeeded);
        out.put("jobs_with_more_than_one_attempt", doubleCompleted);
        out.put("connection_pool", poolSize);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("benchmark_jvm_cpu_seconds", round((cpuAfter - cpuBefore) / 1e9));
        out.put("postgres_cpu_seconds", round((pgCpuAfter - pgCpuBefore) / 1e9));
        // CPU per cycle hardly depends on what else the shared machine runs: cores / this is the quiet-machine ceiling
        double cpuMsPerCycle = totalCycles == 0 ? 0 : (cpuAfter - cpuBefore + pgCpuAfter - pgCpuBefore) / 1e6 / totalCycles;
        out.put("cpu_ms_per_cycle", Math.round(cpuMsPerCycle * 1000) / 1000.0);
        out.put("cycles_per_second_if_cores_were_free",
                cpuMsPerCycle == 0 ? 0 : round(Runtime.getRuntime().availableProcessors() * 1000 / cpuMsPerCycle));
        // the machine is shared: a load average far above the core count means the figures are a floor
        out.put("system_load_average_at_start", round(loadBefore));
        out.put("system_load_average_at_end",
                round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.put("postgres", jdbc.sql("select current_setting('server_version')").query(String.class).single()
                + " embedded, fsync=" + jdbc.sql("select current_setting('fsync')").query(String.class).single()
                + ", synchronous_commit=" + jdbc.sql("select current_setting('synchronous_commit')").query(String.class).single());
        out.put("cycle_mode", COMBINED ? "combined" : "separate");
        out.put("cycle", (COMBINED
                ? "completeAndClaimNext (one transaction: guarded completion UPDATE with the runner counter and handlers, then the "
                + "next claim UPDATE … FOR UPDATE SKIP LOCKED, one synchronous commit), claimNext only when it brought no job"
                : "claimNext (UPDATE … FOR UPDATE SKIP LOCKED, asynchronous commit) + complete (transaction: guarded "
                + "UPDATE with the runner counter, handlers, synchronous commit)")
                + " on PostgresJobQueue; each runner is a thread, at most connection_pool of them in the database at once (like "
                + "the server's worker pool); claim_p* include that wait, claim_in_database_p* do not; complete_p* include the "
                + "claim carried with it");
        return out;
    }

    private static <T> T gated(Semaphore gate, Supplier<T> call) {
        gate.acquireUninterruptibly();
        try {
            return call.get();
        } finally {
            gate.release();
        }
    }

    private static long enqueueBulk(JdbcClient jdbc, String payloadJson, int count) {
        return jdbc.sql("""
                        insert into jobs (type, payload, payload_version, priority, max_attempts, available_at, created_at)
                        select 'PROBE', cast(:payload as jsonb), 1, 0, 3, now(), now() from generate_series(1, :n)""")
                .param("payload", payloadJson).param("n", count).update();
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void write(Path file, Map<String, Object> result) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(result) + "\n");
        System.out.println("Wrote " + file.toAbsolutePath());
    }

    private static void print(Map<String, Object> result) {
        int width = result.keySet().stream().mapToInt(String::length).max().orElse(10);
        System.out.println();
        System.out.println("Queue benchmark: claim + complete cycles");
        System.out.println("-".repeat(width + 30));
        result.forEach((k, v) -> System.out.printf("%-" + width + "s  %s%n", k, v));
        System.out.println("-".repeat(width + 30));
    }

    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** User + system CPU of the postmaster and its children (Linux /proc; 0 elsewhere). */
    private static long postgresCpuNanos(Path dataDir) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
            long ticks = 0;
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                    try {
                        String stat = Files.readString(proc.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(proc.getFileName().toString());
                        if (pid == postmaster || Long.parseLong(f[1]) == postmaster) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended while we looked
                    }
                }
            }
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete " + root + ": " + e.getMessage());
        }
    }
}
