package dev.ditto.jobs;

import dev.ditto.audit.AuditLog;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** {@link JobQueue} on PostgreSQL: one row per job, claimed with {@code FOR UPDATE SKIP LOCKED} on {@code jobs_claim_idx}. */
public final class PostgresJobQueue implements JobQueue {
    /**
     * Batches of claims (and of completions) in flight at once. Three: while one runs its statements, the others are
     * gathered or wait for their commits to reach the disk. Measured with 200 runners on 2 cores (./ditto bench
     * queue): 2 lanes 1,973 cycles/s (a core idle on commit waits), 3 lanes 2,214–2,332, 4 lanes 1,580 (smaller
     * batches, more connections competing for the cores).
     */
    private static final int BATCH_LANES = 3;
    private static final int MAX_BATCH = 64;

    private final JdbcClient jdbc;
    private final TransactionOperations tx;
    private final ObjectMapper json;
    private final Clock clock;
    private final DittoProperties.Runner runner;
    private final Supplier<Map<JobType, List<JobResultHandler>>> handlers;
    private final QueueReads reads;
    private final QueueBatches batches;
    private final QueueEndings endings;
    private final Map<Set<JobType>, RequestCombiner<Long, Optional<JobAssignment>>> claimCombiners =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final RequestCombiner<QueueBatches.CompletionRequest, Completion> completions;
    private final Map<Set<JobType>, RequestCombiner<QueueBatches.CompletionRequest, CompletionAndNext>> completeAndClaimCombiners =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code audit} null: admin operations are only logged (standalone use, e.g. the benchmark). */
    public PostgresJobQueue(JdbcClient jdbc, TransactionOperations tx, ObjectMapper json, Clock clock,
                            DittoProperties.Runner runner, QueueProperties queue, List<JobResultHandler> handlers,
                            @Nullable AuditLog audit) {
        this(jdbc, tx, json, clock, runner, queue, () -> handlers, audit);
    }

    /** {@code handlers} is asked once, at the first outcome, so a handler may itself depend on the queue. */
    PostgresJobQueue(JdbcClient jdbc, TransactionOperations tx, ObjectMapper json, Clock clock,
                     DittoProperties.Runner runner, QueueProperties queue, Supplier<List<JobResultHandler>> handlers,
                     @Nullable AuditLog audit) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.runner = runner;
        this.handlers = memoize(() -> handlers.get().stream().collect(Collectors.groupingBy(JobResultHandler::type,
                () -> new EnumMap<>(JobType.class), Collectors.toList())));
        this.reads = new QueueReads(jdbc, clock);
        this.endings = new QueueEndings(jdbc, tx, json, clock, runner, queue, this.handlers, audit);
        this.batches = new QueueBatches(jdbc, tx, json, runner, this.handlers,
                r -> completeAlone(r.jobId(), r.runnerId(), r.attempt(), r.result()));
        this.completions = new RequestCombiner<>(BATCH_LANES, MAX_BATCH, requests -> batches.complete(requests, now()));
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile @Nullable T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    v = supplier.get();
                    value = v;
                }
                return v;
            }
        };
    }

    /** A queue on a bare DataSource with no handlers and no audit log (benchmarks, tools). */
    public static PostgresJobQueue standalone(DataSource dataSource, Clock clock, DittoProperties.Runner runner) {
        return new PostgresJobQueue(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), JsonMapper.builder().build(),
                clock, runner, QueueProperties.defaults(), List.of(), null);
    }

    @Override
    public long enqueue(JobType type, JobPayload payload, int priority, @Nullable Long sourceId, @Nullable Long sampleId) {
        if (!JobRows.typeOf(payload).equals(type)) {
            throw new IllegalArgumentException("A " + type + " job cannot carry a " + payload.getClass().getSimpleName());
        }
        OffsetDateTime now = now();
        return jdbc.sql("""
                        insert into jobs (type, payload, payload_version, priority, max_attempts, source_id, sample_id,
                                          available_at, created_at)
                        values (:type, cast(:payload as jsonb), :version, :priority, :maxAttempts, :sourceId, :sampleId, :now, :now)
                        returning id""")
                .param("type", type.name())
                .param("payload", json.writerFor(JobPayload.class).writeValueAsString(payload))
                .param("version", payload.v())
                .param("priority", priority)
                .param("maxAttempts", runner.maxAttempts())
                .param("sourceId", sourceId)
                .param("sampleId", sampleId)
                .param("now", now)
                .query(Long.class).single();
    }

    @Override
    public Optional<JobAssignment> claimNext(long runnerId, List<JobType> types) {
        if (types.isEmpty()) {
            return Optional.empty();
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return claimAlone(runnerId, types);
        }
        // Concurrent claims for the same types share one statement (see RequestCombiner).
        Set<JobType> wanted = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(types));
        return claimCombiners.computeIfAbsent(wanted, w -> new RequestCombiner<>(BATCH_LANES, MAX_BATCH,
                runnerIds -> batches.claim(runnerIds, w, now()))).submit(runnerId);
    }

    /** One claim in one statement: inside a caller's transaction, where a batch would escape it. */
    private Optional<JobAssignment> claimAlone(long runnerId, List<JobType> types) {
        // Two statements rather than one with a flag, so each keeps its own plan: with every type wanted there is
        // no type condition and jobs_claim_idx is walked in claim order; with some types, jobs_claim_type_idx.
        boolean everyType = Set.copyOf(types).size() == JobType.values().length;
        String typeCondition = everyType ? "" : "and type in (:types)";
        // A claim on its own commits without waiting for the WAL flush: if the database crashes before the flush,
        // the claim is lost, the job is still QUEUED, and the runner's next heartbeat or completion gets 409 —
        // the lease protocol's ordinary path. Inside a caller's transaction the setting would leak into it: not there.
        String asyncCommit = TransactionSynchronizationManager.isActualTransactionActive()
                ? "" : ", (select set_config('synchronous_commit', 'off', true)) async_commit";
        OffsetDateTime now = now();
        var statement = jdbc.sql("""
                        update jobs j
                           set status = 'RUNNING', lease_owner = :runner, lease_expires_at = :expires,
                               attempts = j.attempts + 1, started_at = coalesce(j.started_at, :now), stage = null, progress = null
                          from (select id from jobs
                                 where status = 'QUEUED' %s and available_at <= :now
                                 order by priority desc, id
                                 limit 1
                                 for update skip locked) next %s
                         where j.id = next.id
                        returning j.id, j.attempts, j.type, j.payload::text, j.lease_expires_at""".formatted(typeCondition, asyncCommit))
                .param("runner", runnerId)
                .param("expires", now.plusSeconds(runner.leaseSeconds()))
                .param("now", now);
        if (!everyType) {
            statement = statement.param("types", types.stream().map(Enum::name).distinct().toList());
        }
        return statement
                .query((rs, i) -> new JobAssignment(rs.getLong(1), rs.getInt(2), JobType.valueOf(rs.getString(3)),
                        json.readValue(rs.getString(4), JobPayload.class), JobRows.instant(rs, 5)))
                .optional();
    }

    @Override
    public HeartbeatAck heartbeat(long jobId, long runnerId, int attempt, @Nullable String stage, double progress) {
        OffsetDateTime now = now();
        Optional<Instant> extended = jdbc.sql("""
                        update jobs set lease_expires_at = :expires, stage = coalesce(:stage, stage), progress = :progress
                         where id = :id and status = 'RUNNING' and lease_owner = :runner and attempts = :attempt
                        returning lease_expires_at""")
                .param("expires", now.plusSeconds(runner.leaseSeconds()))
                .param("stage", stage)
                .param("progress", Math.max(0, Math.min(1, progress)))
                .param("id", jobId).param("runner", runnerId).param("attempt", attempt)
                .query((rs, i) -> JobRows.instant(rs, 1)).optional();
        if (extended.isPresent()) {
            return new HeartbeatAck(extended.get(), false);
        }
        JobRows.LeaseState state = leaseState(jobId);
        if (state.status() == JobStatus.CANCELLED && state.heldBy(runnerId, attempt)) {
            return new HeartbeatAck(now.toInstant(), true);
        }
        throw state.lost(runnerId, attempt);
    }

    @Override
    public void checkLease(long jobId, long runnerId, int attempt) {
        JobRows.LeaseState state = leaseState(jobId);
        if (state.status() != JobStatus.RUNNING || !state.heldBy(runnerId, attempt)) {
            throw state.lost(runnerId, attempt);
        }
    }

    @Override
    public boolean isInputOfLeasedJob(long runnerId, String blobKey) {
        return jdbc.sql("""
                        select exists (select 1 from jobs
                                        where status = 'RUNNING' and lease_owner = :runner
                                          and jsonb_path_exists(payload, '$.** ? (@.key == $k)', jsonb_build_object('k', cast(:key as text))))""")
                .param("runner", runnerId).param("key", blobKey).query(Boolean.class).single();
    }

    @Override
    public void recordArtifact(long jobId, long runnerId, int attempt, String name, String blobKey, long size) {
        String entry = json.writeValueAsString(Map.of(name, Map.of("key", blobKey, "size", size, "attempt", attempt, "runner", runnerId)));
        int updated = jdbc.sql("""
                        update jobs set artifacts = artifacts || cast(:entry as jsonb)
                         where id = :id and status = 'RUNNING' and lease_owner = :runner and attempts = :attempt""")
                .param("entry", entry).param("id", jobId).param("runner", runnerId).param("attempt", attempt)
                .update();
        if (updated == 0) {
            throw leaseState(jobId).lost(runnerId, attempt);
        }
    }

    @Override
    public Completion complete(long jobId, long runnerId, int attempt, JobResult result) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return completeAlone(jobId, runnerId, attempt, result);
        }
        // Concurrent completions share one transaction and one (synchronous) commit; each caller returns only
        // after that commit, so an acknowledged completion is as durable as a lone one.
        return completions.submit(new QueueBatches.CompletionRequest(jobId, runnerId, attempt, result));
    }

    @Override
    public CompletionAndNext completeAndClaimNext(long jobId, long runnerId, int attempt, JobResult result,
                                                  List<JobType> types) {
        if (types.isEmpty() || TransactionSynchronizationManager.isActualTransactionActive()) {
            return JobQueue.super.completeAndClaimNext(jobId, runnerId, attempt, result, types);
        }
        // one transaction and one synchronous commit for the batch's completions and the runners' next claims
        Set<JobType> wanted = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(types));
        return completeAndClaimCombiners.computeIfAbsent(wanted, w -> new RequestCombiner<>(BATCH_LANES, MAX_BATCH,
                        requests -> batches.completeAndClaim(requests, w, now())))
                .submit(new QueueBatches.CompletionRequest(jobId, runnerId, attempt, result));
    }

    private Completion completeAlone(long jobId, long runnerId, int attempt, JobResult result) {
        Completion completion = tx.execute(status -> {
            OffsetDateTime now = now();
            // one round trip: the guarded status change and the runner's counter, then the commit
            Optional<CompletedJob> done = jdbc.sql("""
                            with done as (
                                update jobs set status = 'SUCCEEDED', result = cast(:result as jsonb), timings = cast(:timings as jsonb),
                                                lease_expires_at = null, finished_at = :now, stage = null, progress = 1
                                 where id = :id and status = 'RUNNING' and lease_owner = :runner and attempts = :attempt
                                returning type, payload::text as payload, source_id, sample_id),
                            counted as (
                                update runners set jobs_done = jobs_done + 1 where id = :runner and exists (select 1 from done))
                            select type, payload, source_id, sample_id from done""")
                    .param("result", json.writerFor(JobResult.class).writeValueAsString(result))
                    .param("timings", json.writeValueAsString(JobRows.timingsOf(result)))
                    .param("now", now)
                    .param("id", jobId).param("runner", runnerId).param("attempt", attempt)
                    .query((rs, i) -> new CompletedJob(jobId, JobType.valueOf(rs.getString(1)),
                            json.readValue(rs.getString(2), JobPayload.class), result, runnerId, attempt,
                            JobRows.nullableLong(rs, 3), JobRows.nullableLong(rs, 4), now.toInstant()))
                    .optional();
            if (done.isEmpty()) {
                JobRows.LeaseState state = leaseState(jobId);
                if (state.status() == JobStatus.SUCCEEDED && state.heldBy(runnerId, attempt)) {
                    return Completion.ALREADY_COMPLETED;
                }
                throw state.lost(runnerId, attempt);
            }
            CompletedJob job = done.get();
            if (JobRows.typeOf(result) != job.type()) {
                throw new InvalidResultException(jobId, "a " + job.type() + " job cannot complete with a "
                        + result.getClass().getSimpleName() + ".");
            }
            for (JobResultHandler handler : handlers.get().getOrDefault(job.type(), List.of())) {
                handler.completed(job);
            }
            return Completion.COMPLETED;
        });
        return java.util.Objects.requireNonNull(completion);
    }

    @Override
    public void release(long jobId, long runnerId, int attempt) {
        jdbc.sql("""
                        update jobs set status = 'QUEUED', lease_owner = null, lease_expires_at = null, attempts = attempts - 1
                         where id = :id and status = 'RUNNING' and lease_owner = :runner and attempts = :attempt""")
                .param("id", jobId).param("runner", runnerId).param("attempt", attempt).update();
    }

    @Override
    public FailureOutcome fail(long jobId, long runnerId, int attempt, String error, boolean retryable) {
        return endings.fail(jobId, runnerId, attempt, error, retryable);
    }

    @Override
    public FailureOutcome handBack(long jobId, long runnerId, int attempt, String reason) {
        return endings.handBack(jobId, runnerId, attempt, reason);
    }

    @Override
    public int reapExpiredLeases() {
        return endings.reapExpiredLeases();
    }

    @Override
    public void retry(long jobId) {
        endings.retry(jobId);
    }

    @Override
    public void drop(long jobId) {
        endings.drop(jobId);
    }

    @Override
    public Optional<JobView> find(long jobId) {
        return reads.find(jobId);
    }

    @Override
    public List<JobView> list(@Nullable JobStatus status, @Nullable JobType type, int limit, int offset) {
        return reads.list(status, type, limit, offset);
    }

    @Override
    public QueueStats stats() {
        return reads.stats();
    }

    private JobRows.LeaseState leaseState(long jobId) {
        return jdbc.sql("select status, lease_owner, attempts, last_error from jobs where id = :id").param("id", jobId)
                .query((rs, i) -> new JobRows.LeaseState(jobId, JobStatus.valueOf(rs.getString(1)), JobRows.nullableLong(rs, 2),
                        rs.getInt(3), rs.getString(4)))
                .optional().orElseThrow(() -> new JobNotFoundException(jobId));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
