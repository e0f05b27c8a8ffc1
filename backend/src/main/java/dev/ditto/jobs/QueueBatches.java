package dev.ditto.jobs;

import dev.ditto.jobs.RequestCombiner.Outcome;
import dev.ditto.platform.DittoProperties;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.ObjectMapper;

/**
 * Claims and completions of many runners at once, for {@link RequestCombiner}: one statement claims a job for each
 * waiting runner; one transaction completes every waiting attempt, runs the result handlers, and commits once
 * (synchronously: a completion is acknowledged only after its batch's commit reached the disk).
 */
final class QueueBatches {
    /** One runner's completion of one attempt. */
    record CompletionRequest(long jobId, long runnerId, int attempt, JobResult result) {}

    /** Completes one attempt on its own: the path for requests a batch could not settle. */
    @FunctionalInterface
    interface SingleCompletion {
        JobQueue.Completion complete(CompletionRequest request);
    }

    private final JdbcClient jdbc;
    private final TransactionOperations tx;
    private final ObjectMapper json;
    private final DittoProperties.Runner runner;
    private final Supplier<Map<JobType, List<JobResultHandler>>> handlers;
    private final SingleCompletion single;

    QueueBatches(JdbcClient jdbc, TransactionOperations tx, ObjectMapper json, DittoProperties.Runner runner,
                 Supplier<Map<JobType, List<JobResultHandler>>> handlers, SingleCompletion single) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.runner = runner;
        this.handlers = handlers;
        this.single = single;
    }

    /**
     * Leases up to one job per runner in {@code runnerIds} (in that order of precedence: the first runner gets the
     * most urgent job) in one statement; runners left over get nothing, like a single claim on an empty queue.
     */
    List<Outcome<Optional<JobAssignment>>> claim(List<Long> runnerIds, Set<JobType> types, OffsetDateTime now) {
        return claim(runnerIds, types, now, true);
    }

    /** {@code asyncCommit}: a claim batch in its own transaction; false inside one that must commit synchronously. */
    private List<Outcome<Optional<JobAssignment>>> claim(List<Long> runnerIds, Set<JobType> types, OffsetDateTime now,
                                                        boolean asyncCommit) {
        boolean everyType = types.size() == JobType.values().length;
        String typeCondition = everyType ? "" : "and type in (:types)";
        // The claim commits without waiting for the WAL flush (see PostgresJobQueue.claimNext for why that is safe);
        // the batch never runs inside a caller's transaction, so the setting stays with this statement's own.
        var statement = jdbc.sql("""
                        update jobs j
                           set status = 'RUNNING', lease_owner = (cast(:runners as bigint[]))[next.slot],
                               lease_expires_at = :expires, attempts = j.attempts + 1,
                               started_at = coalesce(j.started_at, :now), stage = null, progress = null
                          from (select id, row_number() over (order by priority desc, id) as slot
                                  from (select id, priority from jobs
                                         where status = 'QUEUED' %s and available_at <= :now
                                         order by priority desc, id
                                         limit :n
                                         for update skip locked) free) next%s
                         where j.id = next.id
                        returning next.slot, j.id, j.attempts, j.type, j.payload::text, j.lease_expires_at""".formatted(
                        typeCondition, asyncCommit ? ", (select set_config('synchronous_commit', 'off', true)) async_commit" : ""))
                .param("runners", runnerIds.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")))
                .param("expires", now.plusSeconds(runner.leaseSeconds()))
                .param("now", now)
                .param("n", runnerIds.size());
        if (!everyType) {
            statement = statement.param("types", types.stream().map(Enum::name).toList());
        }
        List<Outcome<Optional<JobAssignment>>> outcomes = new ArrayList<>(runnerIds.size());
        for (int i = 0; i < runnerIds.size(); i++) {
            outcomes.add(Outcome.of(Optional.empty()));
        }
        statement.query((rs, i) -> {
            JobAssignment job = new JobAssignment(rs.getLong(2), rs.getInt(3), JobType.valueOf(rs.getString(4)),
                    json.readValue(rs.getString(5), JobPayload.class), JobRows.instant(rs, 6));
            outcomes.set(rs.getInt(1) - 1, Outcome.of(Optional.of(job)));
            return job;
        }).list();
        return outcomes;
    }

    /**
     * Completes every attempt still held by its runner in one transaction with one commit. An attempt the guarded
     * update did not match (repeated, late, or a result of the wrong type) is then settled on its own, which answers
     * it exactly as a lone completion would; if a handler or the statement fails, nothing of the batch committed
     * and each completion runs on its own, so the failure reaches only the caller it belongs to.
     */
    List<Outcome<JobQueue.Completion>> complete(List<CompletionRequest> requests, OffsetDateTime now) {
        if (requests.size() == 1) {
            return List.of(alone(requests.getFirst()));
        }
        Outcome<JobQueue.Completion>[] outcomes;
        try {
            outcomes = tx.execute(status -> completeTogether(requests, now));
        } catch (RuntimeException e) {
            return requests.stream().map(this::alone).toList();
        }
        List<Outcome<JobQueue.Completion>> all = new ArrayList<>(Arrays.asList(java.util.Objects.requireNonNull(outcomes)));
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) == null) {
                all.set(i, alone(requests.get(i)));
            }
        }
        return all;
    }

    private Outcome<JobQueue.Completion>[] completeTogether(List<CompletionRequest> requests, OffsetDateTime now) {
        StringBuilder array = new StringBuilder("[");
        for (CompletionRequest r : requests) {
            if (array.length() > 1) {
                array.append(',');
            }
            array.append("{\"id\":").append(r.jobId()).append(",\"runner\":").append(r.runnerId())
                    .append(",\"attempt\":").append(r.attempt())
                    .append(",\"type\":\"").append(JobRows.typeOf(r.result()).name())
                    .append("\",\"result\":").append(json.writerFor(JobResult.class).writeValueAsString(r.result()))
                    .append(",\"timings\":").append(json.writeValueAsString(JobRows.timingsOf(r.result()))).append('}');
        }
        array.append(']');
        record Done(int index, JobType type, String payload, @org.jspecify.annotations.Nullable Long sourceId,
                    @org.jspecify.annotations.Nullable Long sampleId) {}
        // the runners' counters are locked in id order, so two batches never wait for each other's runner rows
        List<Done> done = jdbc.sql("""
                        with req as (
                            select (r->>'id')::bigint as id, (r->>'runner')::bigint as runner, (r->>'attempt')::int as attempt,
                                   r->>'type' as type, r->'result' as result, r->'timings' as timings, ord
                              from jsonb_array_elements(cast(:requests as jsonb)) with ordinality as e(r, ord)),
                        done as (
                            update jobs j set status = 'SUCCEEDED', result = req.result, timings = req.timings,
                                              lease_expires_at = null, finished_at = :now, stage = null, progress = 1
                              from req
                             where j.id = req.id and j.status = 'RUNNING' and j.lease_owner = req.runner
                               and j.attempts = req.attempt and j.type = req.type
                            returning req.ord, req.runner, j.type, j.payload::text as payload, j.source_id, j.sample_id),
                        locked as (
                            select id from runners where id in (select runner from done) order by id for update),
                        counted as (
                            update runners r set jobs_done = r.jobs_done + c.n
                              from (select runner, count(*) as n from done group by runner) c, locked
                             where r.id = c.runner and locked.id = c.runner)
                        select ord, type, payload, source_id, sample_id from done""")
                .param("requests", array.toString())
                .param("now", now)
                .query((rs, i) -> new Done(rs.getInt(1) - 1, JobType.valueOf(rs.getString(2)), rs.getString(3),
                        JobRows.nullableLong(rs, 4), JobRows.nullableLong(rs, 5)))
                .list();
        @SuppressWarnings("unchecked")
        Outcome<JobQueue.Completion>[] outcomes = new Outcome[requests.size()];
        for (Done d : done) {
            CompletionRequest r = requests.get(d.index());
            List<JobResultHandler> typeHandlers = handlers.get().getOrDefault(d.type(), List.of());
            if (!typeHandlers.isEmpty()) {
                CompletedJob job = new CompletedJob(r.jobId(), d.type(), json.readValue(d.payload(), JobPayload.class),
                        r.result(), r.runnerId(), r.attempt(), d.sourceId(), d.sampleId(), now.toInstant());
                for (JobResultHandler handler : typeHandlers) {
                    handler.completed(job);
                }
            }
            outcomes[d.index()] = Outcome.of(JobQueue.Completion.COMPLETED);
        }
        return outcomes;
    }

    /**
     * Completes every attempt of the batch and claims the next job for each runner whose attempt completed, in one
     * transaction with one synchronous commit. If that transaction fails, each completion runs on its own (as in
     * {@link #complete}) and claims nothing: the runner asks again with an ordinary claim.
     */
    List<Outcome<JobQueue.CompletionAndNext>> completeAndClaim(List<CompletionRequest> requests, Set<JobType> types,
                                                               OffsetDateTime now) {
        record Together(Outcome<JobQueue.Completion>[] completions, List<Outcome<Optional<JobAssignment>>> claims,
                        List<Integer> claimedFor) {}
        Together together;
        try {
            together = tx.execute(status -> {
                Outcome<JobQueue.Completion>[] done = completeTogether(requests, now);
                List<Integer> completed = new ArrayList<>();
                for (int i = 0; i < done.length; i++) {
                    if (done[i] != null) {
                        completed.add(i);
                    }
                }
                List<Outcome<Optional<JobAssignment>>> claims = completed.isEmpty() ? List.of()
                        : claim(completed.stream().map(i -> requests.get(i).runnerId()).toList(), types, now, false);
                return new Together(done, claims, completed);
            });
        } catch (RuntimeException e) {
            return requests.stream().map(r -> withoutNext(alone(r))).toList();
        }
        Together t = java.util.Objects.requireNonNull(together);
        List<Outcome<JobQueue.CompletionAndNext>> all = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            all.add(t.completions()[i] == null ? withoutNext(alone(requests.get(i))) : null);
        }
        for (int k = 0; k < t.claimedFor().size(); k++) {
            Optional<JobAssignment> next = java.util.Objects.requireNonNull(t.claims().get(k).value());
            all.set(t.claimedFor().get(k), Outcome.of(new JobQueue.CompletionAndNext(JobQueue.Completion.COMPLETED, next)));
        }
        return all;
    }

    private static Outcome<JobQueue.CompletionAndNext> withoutNext(Outcome<JobQueue.Completion> completion) {
        return completion.error() != null ? Outcome.failed(completion.error())
                : Outcome.of(new JobQueue.CompletionAndNext(java.util.Objects.requireNonNull(completion.value()), Optional.empty()));
    }

    private Outcome<JobQueue.Completion> alone(CompletionRequest request) {
        try {
            return Outcome.of(single.complete(request));
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
    }
}
