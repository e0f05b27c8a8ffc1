package dev.ditto.runner;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.Heartbeat;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobFailure;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.runner.client.LeaseLostException;
import dev.ditto.runner.client.ProtocolException;
import dev.ditto.runner.client.RetryPolicy;
import dev.ditto.runner.client.RunnerClient;
import dev.ditto.runner.client.ServerStorageFullException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's main loop: long-polls for jobs while a slot is free, runs up to {@code concurrency} at once, heartbeats
 * each one, reports completion or failure, and on shutdown stops claiming and finishes or hands back what it holds.
 */
public final class JobLoop {
    private static final Logger log = LoggerFactory.getLogger(JobLoop.class);

    private final RunnerClient client;
    private final Map<JobType, JobHandler> handlers;
    private final List<JobType> types;
    private final Path workDir;
    private final int concurrency;
    private final Duration heartbeatEvery;
    private final int claimWaitSeconds;
    private final String runnerName;
    private final RetryPolicy storageFull;
    private final Semaphore slots;
    private final ExecutorService jobs;
    private final ScheduledExecutorService heartbeats;
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean shutdownStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** How long a job thread gets, after its job was handed back, to leave native code before shutdown goes on. */
    private static final long JOB_THREAD_END_SECONDS = 50;
    private volatile boolean stopping;
    private volatile boolean refused;
    private volatile @Nullable Thread claimThread;

    /**
     * How long an artefact upload waits while the server's disk is full (507): 30 s doubling to 5 min, 10 tries
     * (about 32 minutes in all), heartbeating meanwhile; then the job is handed back, using no attempt.
     */
    public static final RetryPolicy STORAGE_FULL = new RetryPolicy(10, Duration.ofSeconds(30), Duration.ofMinutes(5));

    public JobLoop(RunnerClient client, Map<JobType, JobHandler> handlers, Path workDir, int concurrency,
                   Duration heartbeatEvery, int claimWaitSeconds, String runnerName) {
        this(client, handlers, workDir, concurrency, heartbeatEvery, claimWaitSeconds, runnerName, STORAGE_FULL);
    }

    /** As above, with the back-off for uploads the server refuses because its disk is full ({@link #STORAGE_FULL}). */
    public JobLoop(RunnerClient client, Map<JobType, JobHandler> handlers, Path workDir, int concurrency,
                   Duration heartbeatEvery, int claimWaitSeconds, String runnerName, RetryPolicy storageFull) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.client = client;
        this.handlers = Map.copyOf(handlers);
        this.types = handlers.keySet().stream().sorted().toList();
        this.workDir = workDir;
        this.concurrency = concurrency;
        this.heartbeatEvery = heartbeatEvery;
        this.claimWaitSeconds = claimWaitSeconds;
        this.runnerName = runnerName;
        this.storageFull = storageFull;
        this.slots = new Semaphore(concurrency);
        AtomicInteger n = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.heartbeats = Executors.newScheduledThreadPool(Math.min(4, concurrency), r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Claims and runs jobs until {@link #shutdown} is called; returns once the loop has stopped claiming. */
    public void run() throws IOException {
        claimThread = Thread.currentThread();
        Files.createDirectories(workDir);
        log.info("Runner {} claiming {} with {} slot(s), work dir {}", runnerName, types, concurrency, workDir);
        int consecutiveErrors = 0;
        try {
            while (!stopping) {
                slots.acquire();
                boolean slotHandedOver = false;
                try {
                    Optional<JobAssignment> claimed = client.claim(new ClaimRequest(types, claimWaitSeconds));
                    consecutiveErrors = 0;
                    if (claimed.isPresent()) {
                        start(claimed.get());
                        slotHandedOver = true;
                    }
                } catch (IOException e) {
                    consecutiveErrors++;
                    Duration pause = Duration.ofSeconds(Math.min(60, 2L << Math.min(consecutiveErrors, 5)));
                    log.warn("Claim failed ({}); server unreachable? trying again in {} s", e.getMessage(), pause.toSeconds());
                    Thread.sleep(pause);
                } catch (ProtocolException e) {
                    if (e.status() == 401 || e.status() == 403) {
                        log.error("The server refused this runner's token ({}). Check --token; stopping.", e.getMessage());
                        refused = true;
                        stopping = true;
                    } else {
                        log.warn("Claim refused: {}; trying again in 10 s", e.getMessage());
                        Thread.sleep(Duration.ofSeconds(10));
                    }
                } finally {
                    if (!slotHandedOver) {
                        slots.release();
                    }
                }
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
        } finally {
            claimThread = null;
            stopped.countDown();
        }
    }

    /**
     * Stops claiming at once and returns (a signal handler calls this); {@link #run} then returns and the caller
     * runs {@link #shutdown}.
     */
    public void requestStop() {
        stopping = true;
        Thread claimer = claimThread;
        if (claimer != null) {
            claimer.interrupt();
        }
    }

    /**
     * True once no job thread is running any more: only then may the native models the jobs use be closed (closing
     * an ONNX Runtime session under a running inference, or exiting the process while one runs, crashes the JVM).
     */
    public boolean jobThreadsEnded() {
        return jobs.isTerminated();
    }

    /**
     * Stops claiming, lets running jobs finish for up to {@code grace}, then interrupts the rest and hands them back
     * to the queue ({@code fail} with {@code retryable=true}). Safe to call from a shutdown hook and from several
     * threads: later callers wait until the first one has finished.
     */
    public void shutdown(Duration grace) {
        if (!shutdownStarted.compareAndSet(false, true)) {
            awaitTerminated();
            return;
        }
        stopping = true;
        Thread claimer = claimThread;
        if (claimer != null) {
            claimer.interrupt();
        }
        try {
            stopped.await(5, TimeUnit.SECONDS);
            jobs.shutdown();
            if (!running.isEmpty() && !grace.isZero() && !client.serverAnswers(Duration.ofSeconds(2))) {
                // the server crashed or was stopped: a finished job could not be reported, a handed-back one neither;
                // the leases run out on the server, which queues the jobs again without using an attempt
                log.warn("Shutting down: the server does not answer, so {} running job(s) are stopped now instead of "
                        + "getting the {} s grace period; their leases run out and the server queues them again",
                        running.size(), grace.toSeconds());
                client.stopRetrying();
                grace = Duration.ZERO;
            }
            if (!running.isEmpty()) {
                log.info("Shutting down: waiting up to {} s for {} running job(s)", grace.toSeconds(), running.size());
            }
            if (!jobs.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                for (RunningJob job : running.values()) {
                    job.handBack = true;
                }
                jobs.shutdownNow();
                if (!jobs.awaitTermination(10, TimeUnit.SECONDS)) {
                    // a job thread still inside a native call: hand its job back now, then give the thread time to
                    // see the interrupt (jobs check it between frames) before the models are closed under it
                    for (RunningJob job : List.copyOf(running.values())) {
                        handBack(job);
                    }
                    if (!jobs.awaitTermination(JOB_THREAD_END_SECONDS, TimeUnit.SECONDS)) {
                        log.warn("A job thread did not end within {} s of its interrupt; its models stay open",
                                JOB_THREAD_END_SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeats.shutdownNow();
            log.info("Runner {} stopped: {} job(s) completed, {} failed", runnerName, completed.get(), failed.get());
            terminated.countDown();
        }
    }

    private void awaitTerminated() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when the loop stopped because the server refused this runner's token. */
    public boolean refused() {
        return refused;
    }

    /** Jobs completed since start. */
    public int completedCount() {
        return completed.get();
    }

    /** Jobs reported failed since start. */
    public int failedCount() {
        return failed.get();
    }

    private void start(JobAssignment assignment) {
        RunningJob job = new RunningJob(assignment);
        running.put(assignment.jobId(), job);
        log.info("Job {} ({}, attempt {}) claimed{}", assignment.jobId(), assignment.type(), assignment.attempt(),
                describePayload(assignment.payload()));
        if (stopping) {
            job.handBack = true;
        }
        job.heartbeat = heartbeats.scheduleWithFixedDelay(() -> heartbeat(job), heartbeatEvery.toMillis(),
                heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
        job.future = jobs.submit(() -> execute(job));
    }

    private void execute(RunningJob job) {
        JobAssignment a = job.assignment;
        job.thread = Thread.currentThread();
        Path dir = workDir.resolve("job-" + a.jobId() + "-" + a.attempt());
        long startedAt = System.nanoTime();
        Optional<JobAssignment> next = Optional.empty();
        try {
            if (job.handBack) {
                throw new InterruptedException("runner is shutting down");
            }
            JobHandler handler = handlers.get(a.type());
            if (handler == null) {
                throw new IllegalStateException("this runner has no handler for " + a.type() + " jobs");
            }
            Files.createDirectories(dir);
            job.progress("download", 0);
            BlobRef inputBlob = inputOf(a.payload());
            Path input = dir.resolve("input" + extensionOf(a.payload(), inputBlob));
            client.download(inputBlob, input);
            log.info("Job {}: downloaded input {} ({} bytes)", a.jobId(), inputBlob.key(), Files.size(input));
            job.progress("start", 0);
            ArtifactSink sink = (name, file, contentType) -> upload(job, name, file, contentType);
            JobResult result = handler.run(a.payload(), input, dir, sink, job::progress);
            checkStillHeld(job);
            job.progress("complete", 1);
            if (job.claimReport()) {
                // a runner that keeps working asks for its next job in the same call: one round trip per job
                next = client.complete(a.jobId(), new JobCompletion(a.attempt(), result, stopping ? null : types));
                completed.incrementAndGet();
                log.info("Job {} completed in {} s", a.jobId(), seconds(startedAt));
            }
        } catch (LeaseLostException e) {
            job.leaseLost = true;
            log.info("Job {}: {}; dropped without reporting", a.jobId(), e.getMessage());
        } catch (Throwable e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted() || job.stopRequested()) {
                Thread.interrupted();
                onInterrupted(job);
            } else if (FailureClassifier.isServerStorageFull(e)) {
                String message = "the server's disk stayed full while runner " + runnerName + " waited to upload (stage "
                        + job.stage + "); handed back, no attempt used: " + FailureClassifier.describe(e);
                log.warn("Job {}: {}", a.jobId(), message);
                report(job, new JobFailure(a.attempt(), truncate(message), true, true));
            } else {
                boolean badInput = FailureClassifier.isBadInput(e);
                String message = FailureClassifier.describe(e);
                if (badInput) {
                    log.warn("Job {} failed, bad input (not retried): {}", a.jobId(), message);
                } else {
                    log.error("Job {} failed in stage {} (will be retried): {}", a.jobId(), job.stage, message, e);
                }
                report(job, new JobFailure(a.attempt(), truncate(message), !badInput));
            }
        } finally {
            if (job.heartbeat != null) {
                job.heartbeat.cancel(false);
            }
            running.remove(a.jobId());
            deleteQuietly(dir);
            passSlotOn(next);
        }
    }

    /**
     * Uploads one artefact. While the server answers 507 (its disk is full) the upload is tried again after
     * {@link #storageFull}'s back-off, the heartbeat keeping the lease meanwhile; past its last try the
     * {@link ServerStorageFullException} goes up and the job is handed back. A stop or a lost lease ends the wait.
     */
    private BlobRef upload(RunningJob job, String name, Path file, String contentType) throws IOException, InterruptedException {
        JobAssignment a = job.assignment;
        String stage = job.stage;
        for (int tries = 1; ; tries++) {
            checkStillHeld(job);
            try {
                BlobRef stored = client.upload(a.jobId(), a.attempt(), name, file, contentType).blob();
                job.stage = stage;
                return stored;
            } catch (ServerStorageFullException e) {
                if (tries >= storageFull.maxAttempts()) {
                    job.stage = stage;
                    throw e;
                }
                Duration pause = storageFull.delayAfter(tries);
                job.stage = "waiting: server disk full";
                log.warn("Job {}: {}; uploading {} again in {} s (try {}/{}); the job keeps its attempt", a.jobId(),
                        e.getMessage(), name, pause.toSeconds(), tries + 1, storageFull.maxAttempts());
                Thread.sleep(pause);
            }
        }
    }

    /** This job's slot goes to the job its completion brought back, or back to the claim loop. */
    private void passSlotOn(Optional<JobAssignment> next) {
        if (next.isEmpty()) {
            slots.release();
            return;
        }
        try {
            start(next.get());
        } catch (RuntimeException e) {
            // the job pool is closing: the server still leases the job to us, so hand it back now
            slots.release();
            log.info("Job {}: arrived while the runner was closing; handing it back", next.get().jobId());
            RunningJob started = running.remove(next.get().jobId());
            if (started != null && started.heartbeat != null) {
                started.heartbeat.cancel(false);
            }
            handBack(started != null ? started : new RunningJob(next.get()));
        }
    }

    private void onInterrupted(RunningJob job) {
        long id = job.assignment.jobId();
        if (job.leaseLost) {
            log.info("Job {}: lease lost; stopped quietly", id);
        } else if (job.cancelledByServer) {
            log.info("Job {}: cancelled by the server; stopped", id);
        } else {
            handBack(job);
        }
    }

    private void handBack(RunningJob job) {
        String message = "runner " + runnerName + " shut down before the job finished (stage " + job.stage
                + "); handed back for another runner";
        log.info("Job {}: handing back to the queue", job.assignment.jobId());
        report(job, new JobFailure(job.assignment.attempt(), message, true, true));
    }

    private void report(RunningJob job, JobFailure failure) {
        if (!job.claimReport()) {
            return;
        }
        try {
            client.fail(job.assignment.jobId(), failure);
            failed.incrementAndGet();
        } catch (LeaseLostException e) {
            log.info("Job {}: lease already lost, failure not recorded", job.assignment.jobId());
        } catch (IOException | RuntimeException e) {
            log.warn("Job {}: could not report failure ({}); the lease will expire and requeue it",
                    job.assignment.jobId(), e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void heartbeat(RunningJob job) {
        JobAssignment a = job.assignment;
        try {
            HeartbeatAck ack = client.heartbeat(a.jobId(), new Heartbeat(a.attempt(), job.stage, job.fraction));
            if (ack.cancel() && !job.cancelledByServer) {
                job.cancelledByServer = true;
                log.info("Job {}: the server asked to cancel it", a.jobId());
                job.interrupt();
            }
        } catch (LeaseLostException e) {
            if (!job.leaseLost) {
                job.leaseLost = true;
                log.warn("Job {}: lease lost (heartbeat refused); aborting it", a.jobId());
                job.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("Job {}: heartbeat failed ({}); will try again", a.jobId(), e.getMessage());
        }
    }

    private static void checkStillHeld(RunningJob job) throws InterruptedException {
        if (job.leaseLost) {
            throw new LeaseLostException(job.assignment.jobId(), "heartbeat refused");
        }
        if (job.stopRequested() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("job " + job.assignment.jobId() + " was stopped");
        }
    }

    private static BlobRef inputOf(JobPayload payload) {
        return switch (payload) {
            case ProbePayload p -> p.video();
            case GeneratePayload g -> g.sourceClip();
        };
    }

    private static String extensionOf(JobPayload payload, BlobRef blob) {
        if (payload instanceof ProbePayload p) {
            String name = p.originalName();
            int dot = name.lastIndexOf('.');
            if (dot >= 0 && name.length() - dot <= 6 && name.substring(dot + 1).matches("[A-Za-z0-9]+")) {
                return name.substring(dot).toLowerCase(java.util.Locale.ROOT);
            }
        }
        return switch (blob.contentType()) {
            case "video/mp4" -> ".mp4";
            case "video/webm" -> ".webm";
            case "video/quicktime" -> ".mov";
            case "video/x-matroska" -> ".mkv";
            case "video/x-msvideo" -> ".avi";
            default -> ".bin";
        };
    }

    private static String describePayload(JobPayload payload) {
        return switch (payload) {
            case ProbePayload p -> ": source " + p.sourceId() + " '" + p.originalName() + "'";
            case GeneratePayload g -> ": sample " + g.sampleId() + " '" + g.instruction() + "'";
        };
    }

    private static String truncate(String message) {
        return message.length() > 2000 ? message.substring(0, 2000) + "…" : message;
    }

    private static String seconds(long startedAt) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startedAt) / 1e9);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Could not clean work dir {}: {}", dir, e.getMessage());
        }
    }
}
