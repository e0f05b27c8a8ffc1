package dev.ditto.curation;

import dev.ditto.platform.DatabaseFaults;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs decision batches on a thread of its own, one page of the snapshot per transaction: the page's samples are
 * locked in id order, those still in review that nobody else decided or holds get this curator's review (set-based
 * SQL, no audit entry each: the batch has one), the others are recorded as skipped with the reason, and the batch's
 * keyset cursor moves on in the same transaction, so a page is done exactly once. A server owns a batch while it
 * renews its lease; a batch whose server stopped is taken over at its cursor (after a restart: this server, once the
 * lease ran out). An undo runs the same way over the batch's decided samples.
 */
@Component
class DecisionBatchWorker {
    private static final Logger log = LoggerFactory.getLogger(DecisionBatchWorker.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final CurationProperties curation;
    private final ReviewRules rules;
    private final DecisionBatchProperties properties;
    private final String me = "batches-" + UUID.randomUUID();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean working = new AtomicBoolean();
    private volatile boolean stopping;

    DecisionBatchWorker(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock, CurationProperties curation,
                        DecisionBatchProperties properties, ReviewRules rules) {
        this.rules = rules;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.curation = curation;
        this.properties = properties;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "decision-batches");
            t.setDaemon(true);
            return t;
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (properties.enabled()) {
            thread.scheduleWithFixedDelay(this::runAvailable, properties.pollMs(), properties.pollMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Looks for work now (a batch was created or an undo asked for) instead of at the next poll. */
    void wake() {
        if (properties.enabled() && !stopping) {
            thread.execute(this::runAvailable);
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        thread.shutdownNow();
    }

    /** Runs every batch that is waiting or whose server stopped, until none is left; never throws. */
    void runAvailable() {
        if (!working.compareAndSet(false, true)) {
            return;
        }
        try {
            Optional<Long> next;
            while (!stopping && (next = claim()).isPresent()) {
                run(next.get());
            }
        } catch (RuntimeException e) {
            log.warn("Decision batches: could not claim a batch ({}); trying again at the next poll", e.getMessage());
        } finally {
            working.set(false);
        }
    }

    private Optional<Long> claim() {
        return jdbc.sql("""
                with next as (
                    select id from decision_batches
                     where state in ('RUNNING', 'UNDOING')
                       and (lease_owner is null or lease_owner = :me or lease_expires_at < now())
                     order by id limit 1 for update skip locked)
                update decision_batches b set lease_owner = :me, lease_expires_at = now() + make_interval(secs => :lease)
                  from next where b.id = next.id
                returning b.id""")
                .param("me", me).param("lease", properties.leaseSeconds()).query(Long.class).optional();
    }

    private void run(long batchId) {
        try {
            while (!stopping && Boolean.TRUE.equals(tx.execute(status -> page(batchId)))) {
                // one page per transaction
            }
        } catch (RuntimeException e) {
            if (DatabaseFaults.isUnavailable(e)) {
                log.warn("Decision batch {}: the database is unavailable ({}); it goes on where it stopped once it answers",
                        batchId, e.getMessage());
                return;
            }
            log.error("Decision batch {} failed; it is marked FAILED (what it decided stays, and can be undone)", batchId, e);
            jdbc.sql("""
                    update decision_batches set state = 'FAILED', error = :error, finished_at = now(), lease_owner = null
                    where id = :id and lease_owner = :me""")
                    .param("error", String.valueOf(e.getMessage())).param("id", batchId).param("me", me).update();
        }
    }

    private record Batch(long id, long user, String state, String decision, @Nullable String reason, @Nullable String note,
                         long cursor, long undoCursor) {}

    /** One page of the batch's current pass; false when there is nothing more to do (or the lease is gone). */
    private boolean page(long batchId) {
        Optional<Batch> found = jdbc.sql("""
                select id, created_by, state, decision, reason_code, note, cursor_id, undo_cursor_id from decision_batches
                where id = :id and lease_owner = :me for update""")
                .param("id", batchId).param("me", me)
                .query((rs, i) -> new Batch(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getLong(8)))
                .optional();
        if (found.isEmpty()) {
            return false;
        }
        Batch batch = found.get();
        return switch (batch.state()) {
            case "RUNNING" -> decidePage(batch);
            case "UNDOING" -> undoPage(batch);
            default -> {
                release(batch.id());
                yield false;
            }
        };
    }

    record Candidate(long id, String status, boolean mine, int othersDecided, @Nullable String deciders,
                     @Nullable String holders, int needed, boolean awaitingLead) {}

    private boolean decidePage(Batch batch) {
        List<Long> ids = jdbc.sql("""
                select sample_id from decision_batch_samples where batch_id = :b and sample_id > :after
                order by sample_id limit :n""")
                .param("b", batch.id()).param("after", batch.cursor()).param("n", properties.pageSize())
                .query(Long.class).list();
        if (ids.isEmpty()) {
            return finish(batch.id(), "DONE");
        }
        Instant now = clock.instant();
        int overlap = rules.overlap();
        String idArray = ReviewService.array(ids);
        List<Candidate> candidates = jdbc.sql("""
                select s.id, s.status,
                       exists (select 1 from reviews r where r.sample_id = s.id and r.reviewer_id = :user and r.undone_at is null),
                       (select count(*) from reviews r where r.sample_id = s.id and r.reviewer_id <> :user
                          and r.undone_at is null and r.decision <> 'SKIP'),
                       (select string_agg(distinct u.username, ', ') from reviews r join users u on u.id = r.reviewer_id
                         where r.sample_id = s.id and r.undone_at is null and r.decision <> 'SKIP'),
                       (select string_agg(distinct u.username, ', ') from review_leases l join users u on u.id = l.reviewer_id
                         where l.sample_id = s.id and l.reviewer_id <> :user and l.lease_expires_at > :now),
                       %s,
                       exists (select 1 from adjudications a where a.sample_id = s.id and a.decided_at is null)
                from samples s where s.id = any(cast(:ids as bigint[])) order by s.id for update of s""".formatted(ReviewRules.needed("s")))
                .param("user", batch.user()).param("ids", idArray).param("now", Timestamp.from(now))
                .param("n", curation.reviewsPerSample()).param("overlap", overlap)
                .query((rs, i) -> new Candidate(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getInt(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7), rs.getBoolean(8)))
                .list();
        java.util.Map<Long, Candidate> byId = new java.util.HashMap<>();
        candidates.forEach(c -> byId.put(c.id(), c));
        List<Long> eligible = new ArrayList<>();
        List<Long> skippedIds = new ArrayList<>();
        List<String> skippedWhy = new ArrayList<>();
        for (long id : ids) {
            Candidate c = byId.get(id);
            String why = c == null ? "no such sample any more"
                    : skipReason(c);
            if (why == null) {
                eligible.add(id);
            } else {
                skippedIds.add(id);
                skippedWhy.add(why);
            }
        }
        List<long[]> written = List.of();
        if (!eligible.isEmpty()) {
            String eligibleArray = ReviewService.array(eligible);
            written = jdbc.sql("""
                    insert into reviews (sample_id, reviewer_id, decision, reason_code, note, created_at)
                    select id, :user, :decision, :reason, :note, :now from unnest(cast(:ids as bigint[])) id
                    returning sample_id, id""")
                    .param("ids", eligibleArray).param("user", batch.user()).param("decision", batch.decision())
                    .param("reason", batch.reason()).param("note", batch.note()).param("now", Timestamp.from(now))
                    .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
            jdbc.sql("delete from review_leases where reviewer_id = :user and sample_id = any(cast(:ids as bigint[]))")
                    .param("user", batch.user()).param("ids", eligibleArray).update();
            // a sample is final once it has its reviews and they agree: accepted when all accepted, rejected when all
            // rejected (with the first reason); reviews that disagree open an adjudication and the sample stays in review
            String reviewed = """
                    with d as (
                        select sample_id, count(*) as reviews, bool_and(decision = 'ACCEPT') as accepted,
                               bool_and(decision = 'REJECT') as rejected,
                               (array_agg(reason_code order by created_at, id) filter (where reason_code is not null))[1] as reason
                        from reviews where sample_id = any(cast(:ids as bigint[])) and undone_at is null and decision <> 'SKIP'
                        group by sample_id)
                    """;
            List<Long> decided = jdbc.sql(reviewed + """
                    update samples s set status = case when d.accepted then 'ACCEPTED' else 'REJECTED' end,
                           reject_reason = case when d.accepted then null else d.reason end, decided_at = :now, updated_at = :now
                    from d where s.id = d.sample_id and d.reviews >= %s and (d.accepted or d.rejected)
                    returning s.id""".formatted(ReviewRules.needed("s")))
                    .param("ids", eligibleArray).param("now", Timestamp.from(now)).param("n", curation.reviewsPerSample())
                    .param("overlap", overlap).query(Long.class).list();
            jdbc.sql(reviewed + """
                    insert into adjudications (sample_id, opened_at)
                    select s.id, :now from d join samples s on s.id = d.sample_id
                    where d.reviews >= %s and not (d.accepted or d.rejected)
                    on conflict (sample_id) do nothing""".formatted(ReviewRules.needed("s")))
                    .param("ids", eligibleArray).param("now", Timestamp.from(now)).param("n", curation.reviewsPerSample())
                    .param("overlap", overlap).update();
            outbox(decided);
            StringBuilder samples = new StringBuilder("{");
            StringBuilder reviews = new StringBuilder("{");
            for (long[] w : written) {
                samples.append(samples.length() > 1 ? "," : "").append(w[0]);
                reviews.append(reviews.length() > 1 ? "," : "").append(w[1]);
            }
            jdbc.sql("""
                    update decision_batch_samples d set outcome = 'DECIDED', review_id = w.review_id
                    from unnest(cast(:samples as bigint[]), cast(:reviews as bigint[])) as w(sample_id, review_id)
                    where d.batch_id = :b and d.sample_id = w.sample_id""")
                    .param("samples", samples.append('}').toString()).param("reviews", reviews.append('}').toString())
                    .param("b", batch.id()).update();
        }
        if (!skippedIds.isEmpty()) {
            jdbc.sql("""
                    update decision_batch_samples d set outcome = 'SKIPPED', detail = w.detail
                    from unnest(cast(:ids as bigint[]), cast(:details as text[])) as w(sample_id, detail)
                    where d.batch_id = :b and d.sample_id = w.sample_id""")
                    .param("ids", ReviewService.array(skippedIds)).param("details", textArray(skippedWhy))
                    .param("b", batch.id()).update();
        }
        jdbc.sql("""
                update decision_batches set cursor_id = :last, processed = processed + :processed, decided = decided + :decided,
                       skipped = skipped + :skipped, lease_expires_at = now() + make_interval(secs => :lease)
                where id = :id""")
                .param("last", ids.getLast()).param("processed", ids.size()).param("decided", written.size())
                .param("skipped", skippedIds.size()).param("lease", properties.leaseSeconds()).param("id", batch.id())
                .update();
        return true;
    }

    /** Why a batch leaves a sample alone, or null when it decides it. */
    static @Nullable String skipReason(Candidate c) {
        int reviewsPerSample = c.needed();
        if (!c.status().equals("IN_REVIEW")) {
            return c.deciders() == null ? "it is " + c.status() + ", not in review"
                    : "already " + c.status() + " by " + c.deciders();
        }
        if (c.mine()) {
            return "you decided on it already";
        }
        if (c.awaitingLead()) {
            return "its reviews disagree and it waits for a lead";
        }
        if (c.othersDecided() >= reviewsPerSample) {
            return "already decided by " + c.deciders();
        }
        if (c.holders() != null) {
            long holders = c.holders().chars().filter(ch -> ch == ',').count() + 1;
            if (c.othersDecided() + holders >= reviewsPerSample) {
                return c.holders() + " is reviewing it now";
            }
        }
        return null;
    }

    private boolean undoPage(Batch batch) {
        record Decided(long sampleId, long reviewId) {}
        List<Decided> rows = jdbc.sql("""
                select sample_id, review_id from decision_batch_samples
                where batch_id = :b and sample_id > :after and outcome = 'DECIDED'
                order by sample_id limit :n""")
                .param("b", batch.id()).param("after", batch.undoCursor()).param("n", properties.pageSize())
                .query((rs, i) -> new Decided(rs.getLong(1), rs.getLong(2))).list();
        if (rows.isEmpty()) {
            return finish(batch.id(), "UNDONE");
        }
        Instant now = clock.instant();
        String sampleArray = ReviewService.array(rows.stream().map(Decided::sampleId).toList());
        jdbc.sql("select id from samples where id = any(cast(:ids as bigint[])) order by id for update")
                .param("ids", sampleArray).query(Long.class).list();
        int undone = jdbc.sql("update reviews set undone_at = :now where id = any(cast(:ids as bigint[])) and undone_at is null")
                .param("now", Timestamp.from(now)).param("ids", ReviewService.array(rows.stream().map(Decided::reviewId).toList()))
                .update();
        int overlap = rules.overlap();
        String tooFew = "(select count(*) from reviews r where r.sample_id = s.id and r.undone_at is null and r.decision <> 'SKIP') < "
                + ReviewRules.needed("s");
        // a disagreement that no longer stands is withdrawn; an adjudicated sample keeps the lead's decision
        jdbc.sql("""
                delete from adjudications a using samples s
                where a.sample_id = s.id and s.id = any(cast(:ids as bigint[])) and a.decided_at is null and %s""".formatted(tooFew))
                .param("ids", sampleArray).param("n", curation.reviewsPerSample()).param("overlap", overlap).update();
        List<Long> reopened = jdbc.sql("""
                update samples s set status = 'IN_REVIEW', reject_reason = null, decided_at = null, updated_at = :now
                where s.id = any(cast(:ids as bigint[])) and s.status in ('ACCEPTED', 'REJECTED') and %s
                  and not exists (select 1 from adjudications a where a.sample_id = s.id and a.decided_at is not null)
                returning s.id""".formatted(tooFew))
                .param("ids", sampleArray).param("now", Timestamp.from(now)).param("n", curation.reviewsPerSample())
                .param("overlap", overlap).query(Long.class).list();
        outbox(reopened);
        jdbc.sql("""
                update decision_batch_samples set outcome = 'UNDONE'
                where batch_id = :b and sample_id = any(cast(:ids as bigint[])) and outcome = 'DECIDED'""")
                .param("b", batch.id()).param("ids", sampleArray).update();
        jdbc.sql("""
                update decision_batches set undo_cursor_id = :last, undone = undone + :undone,
                       lease_expires_at = now() + make_interval(secs => :lease)
                where id = :id""")
                .param("last", rows.getLast().sampleId()).param("undone", undone).param("lease", properties.leaseSeconds())
                .param("id", batch.id()).update();
        return true;
    }

    /** Ends the pass: the batch is DONE (finished_at) or UNDONE (undone_at) and no server holds it. */
    private boolean finish(long batchId, String state) {
        jdbc.sql("""
                update decision_batches set state = :state, lease_owner = null, lease_expires_at = null,
                       finished_at = case when :state = 'DONE' then now() else finished_at end,
                       undone_at = case when :state = 'UNDONE' then now() else undone_at end
                where id = :id""").param("state", state).param("id", batchId).update();
        log.info("Decision batch {} is {}", batchId, state.toLowerCase(java.util.Locale.ROOT));
        return false;
    }

    private void outbox(List<Long> sampleIds) {
        if (!sampleIds.isEmpty()) {
            jdbc.sql("insert into outbox (aggregate, aggregate_id, event) select 'SAMPLE', id, 'UPSERT' from unnest(cast(:ids as bigint[])) id")
                    .param("ids", ReviewService.array(sampleIds)).update();
        }
    }

    private void release(long batchId) {
        jdbc.sql("update decision_batches set lease_owner = null, lease_expires_at = null where id = :id")
                .param("id", batchId).update();
    }

    /** A text[] literal: every element quoted, quotes and backslashes escaped. */
    static String textArray(List<String> values) {
        StringBuilder out = new StringBuilder("{");
        for (String v : values) {
            out.append(out.length() > 1 ? "," : "").append('"')
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append('}').toString();
    }
}
