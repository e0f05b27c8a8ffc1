package dev.ditto.curation;

import dev.ditto.audit.AuditLog;
import dev.ditto.outbox.Outbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;

/**
 * The review queue: curators claim samples under short leases ({@code FOR UPDATE SKIP LOCKED}, so two curators never
 * get the same sample unless double review asks for it), accept, reject or skip them, and undo their last decision.
 * Every status change writes an outbox event and an audit entry in the same transaction.
 *
 * <p>With {@code reviews-per-sample} N above 1, or for the overlap share of samples ({@code curation.overlap-share},
 * two reviews), a sample is final after that many accept/reject decisions by different curators when they agree;
 * when they disagree it waits for a lead's adjudication ({@link TeamReview}) instead. A curator's queue serves the
 * campaigns and categories assigned to them first, then what nobody is assigned ({@link ReviewRules}).
 */
@Service
public class ReviewService {
    private static final int CLAIM_TRIES = 16;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final CurationProperties properties;
    private final Outbox outbox;
    private final AuditLog audit;
    private final ReviewItems items;
    private final ReviewRules rules;

    ReviewService(JdbcClient jdbc, Clock clock, CurationProperties properties, Outbox outbox, AuditLog audit, ObjectMapper json,
                  ReviewRules rules) {
        this.rules = rules;
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.outbox = outbox;
        this.audit = audit;
        this.items = new ReviewItems(jdbc, json);
    }

    /** Claims the next sample for {@code username} (or returns the one they already hold). */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Optional<ReviewItem> next(String username) {
        return next(username, Set.of());
    }

    /**
     * Claims the next sample for {@code username}, other than those in {@code exclude} (the view passes the sample on
     * screen to prefetch the one after it). A sample the curator already holds a live lease on comes first; the
     * claim renews the lease.
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Optional<ReviewItem> next(String username, Collection<Long> exclude) {
        long user = userId(username);
        Instant now = clock.instant();
        Set<Long> skip = new LinkedHashSet<>(exclude);
        Optional<Long> held = jdbc.sql("""
                select l.sample_id from review_leases l join samples s on s.id = l.sample_id
                where l.reviewer_id = :user and l.lease_expires_at > :now and s.status = 'IN_REVIEW'
                  and l.sample_id <> all(cast(:exclude as bigint[]))
                  and not exists (select 1 from reviews r where r.sample_id = l.sample_id and r.reviewer_id = :user and r.undone_at is null)
                order by l.sample_id limit 1""")
                .param("user", user).param("now", Timestamp.from(now)).param("exclude", array(skip))
                .query(Long.class).optional();
        if (held.isPresent()) {
            return Optional.of(lease(held.get(), user, now));
        }
        ReviewRules.Queues queues = rules.queues(user);
        int overlap = rules.overlap();
        // the caller's assignments first, then what nobody is assigned (another curator's assignment is theirs)
        if (!queues.mine().isEmpty()) {
            Optional<Long> assigned = claim(user, now, skip, "and " + ReviewRules.covers("s", "mine"), queues, overlap);
            if (assigned.isPresent()) {
                return Optional.of(lease(assigned.get(), user, now));
            }
        }
        String open = queues.all().isEmpty() ? "" : "and not " + ReviewRules.covers("s", "all");
        return claim(user, now, skip, open, queues, overlap).map(id -> lease(id, user, now));
    }

    private Optional<Long> claim(long user, Instant now, Set<Long> skip, String scope, ReviewRules.Queues queues, int overlap) {
        for (int attempt = 0; attempt < CLAIM_TRIES; attempt++) {
            Optional<Long> candidate = jdbc.sql("""
                    select s.id from samples s
                    where s.status = 'IN_REVIEW' and s.id <> all(cast(:exclude as bigint[])) %s
                      and not exists (select 1 from reviews r where r.sample_id = s.id and r.reviewer_id = :user and r.undone_at is null)
                      and (select count(*) from reviews r where r.sample_id = s.id and r.undone_at is null and r.decision <> 'SKIP')
                        + (select count(*) from review_leases l where l.sample_id = s.id and l.reviewer_id <> :user and l.lease_expires_at > :now)
                        < %s
                    order by s.id limit 1
                    for update of s skip locked""".formatted(scope, ReviewRules.needed("s")))
                    .param("user", user).param("now", Timestamp.from(now)).param("exclude", array(skip))
                    .param("n", properties.reviewsPerSample()).param("overlap", overlap)
                    .param("mineCampaigns", queues.mine().campaignArray()).param("mineCategories", queues.mine().categoryArray())
                    .param("allCampaigns", queues.all().campaignArray()).param("allCategories", queues.all().categoryArray())
                    .query(Long.class).optional();
            if (candidate.isEmpty()) {
                return Optional.empty();
            }
            long id = candidate.get();
            // The row lock is ours now; a fresh statement sees every lease committed before we got it.
            if (taken(id, user, now) < rules.needed(id)) {
                return Optional.of(id);
            }
            skip.add(id);
        }
        return Optional.empty();
    }

    /** Extends {@code username}'s live leases on {@code sampleIds} (the view renews what is on screen and prefetched). */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public int renew(String username, Collection<Long> sampleIds) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update review_leases set lease_expires_at = :expires
                where reviewer_id = :user and sample_id = any(cast(:ids as bigint[])) and lease_expires_at > :now""")
                .param("expires", Timestamp.from(now.plusSeconds(properties.leaseSeconds()))).param("now", Timestamp.from(now))
                .param("user", userId(username)).param("ids", array(sampleIds)).update();
    }

    /** Gives a claimed sample back to the queue before its lease runs out. */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public void release(String username, long sampleId) {
        jdbc.sql("delete from review_leases where sample_id = :id and reviewer_id = :user")
                .param("id", sampleId).param("user", userId(username)).update();
    }

    /**
     * Records {@code username}'s decision on a sample in review; the sample's status changes once it has the
     * configured number of accept/reject decisions.
     *
     * @throws ReviewConflictException when the sample is not in review or this curator already decided on it
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public DecisionResult decide(String username, long sampleId, CuratorDecision decision) {
        return decideOne(userId(username), sampleId, decision);
    }

    /** Applies one decision to many samples (the search view's bulk action); samples not in review are left alone. */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public BulkResult decideAll(String username, List<Long> sampleIds, CuratorDecision decision) {
        long user = userId(username);
        List<Long> decided = new ArrayList<>();
        Map<Long, String> refused = new LinkedHashMap<>();
        for (long id : new LinkedHashSet<>(sampleIds)) {
            try {
                decideOne(user, id, decision);
                decided.add(id);
            } catch (ReviewConflictException e) {
                refused.put(id, e.getMessage());
            }
        }
        return new BulkResult(decided, refused);
    }

    /**
     * Reverts {@code username}'s latest decision that is not undone yet: the review is marked undone, the sample goes
     * back to review if it no longer has enough decisions, and it is leased to this curator again.
     *
     * @return the sample that came back, or empty when there was nothing to undo
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Optional<ReviewItem> undo(String username) {
        long user = userId(username);
        Instant now = clock.instant();
        record Last(long id, long sampleId, ReviewDecision decision, @Nullable String reason) {}
        Optional<Last> last = jdbc.sql("""
                select id, sample_id, decision, reason_code from reviews
                where reviewer_id = :user and undone_at is null
                order by created_at desc, id desc limit 1 for update""")
                .param("user", user)
                .query((rs, i) -> new Last(rs.getLong(1), rs.getLong(2), ReviewDecision.valueOf(rs.getString(3)), rs.getString(4)))
                .optional();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Last review = last.get();
        String before = lockStatus(review.sampleId());
        jdbc.sql("update reviews set undone_at = :now where id = :id").param("now", Timestamp.from(now)).param("id", review.id()).update();
        String after = before;
        boolean tooFew = review.decision() != ReviewDecision.SKIP && decisions(review.sampleId()).size() < rules.needed(review.sampleId());
        // an adjudicated sample keeps the lead's decision; one still waiting for a lead no longer has a disagreement
        boolean adjudicated = jdbc.sql("select exists (select 1 from adjudications where sample_id = :id and decided_at is not null)")
                .param("id", review.sampleId()).query(Boolean.class).single();
        boolean withdrawn = tooFew && jdbc.sql("delete from adjudications where sample_id = :id and decided_at is null")
                .param("id", review.sampleId()).update() > 0;
        if (tooFew && !adjudicated && (before.equals("ACCEPTED") || before.equals("REJECTED"))) {
            after = "IN_REVIEW";
            jdbc.sql("""
                    update samples set status = 'IN_REVIEW', reject_reason = null, decided_at = null, updated_at = :now
                    where id = :id""")
                    .param("now", Timestamp.from(now)).param("id", review.sampleId()).update();
            outbox.changed(Outbox.Aggregate.SAMPLE, review.sampleId());
        }
        Map<String, Object> undone = new LinkedHashMap<>();
        undone.put("status", before);
        undone.put("reviewId", review.id());
        undone.put("decision", review.decision().name());
        if (review.reason() != null) {
            undone.put("reason", review.reason());
        }
        Map<String, Object> afterUndo = new LinkedHashMap<>();
        afterUndo.put("status", after);
        if (withdrawn) {
            afterUndo.put("adjudication", "withdrawn: the reviews no longer disagree");
        }
        audit.record("review.undo", "sample", review.sampleId(), undone, afterUndo);
        if (!after.equals("IN_REVIEW")) {
            return items.load(review.sampleId(), null);
        }
        return Optional.of(lease(review.sampleId(), user, now));
    }

    /** A sample as the review view shows it, without claiming it (history, search). */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public Optional<ReviewItem> item(long sampleId) {
        return items.load(sampleId, null);
    }

    /** {@code username}'s own decisions, newest first. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<HistoryEntry> history(String username, int limit) {
        return jdbc.sql("""
                select r.id, r.sample_id, r.decision, r.reason_code, r.note, r.created_at, r.undone_at, s.status, i.text
                from reviews r join samples s on s.id = r.sample_id join instructions i on i.id = s.instruction_id
                where r.reviewer_id = (select id from users where lower(username) = lower(:u))
                order by r.created_at desc, r.id desc limit :limit""")
                .param("u", username).param("limit", Math.max(1, Math.min(limit, 500)))
                .query((rs, i) -> new HistoryEntry(rs.getLong(1), rs.getLong(2), ReviewDecision.valueOf(rs.getString(3)),
                        ReviewItems.reason(rs.getString(4)), rs.getString(5), rs.getTimestamp(6).toInstant(),
                        ReviewItems.instant(rs.getTimestamp(7)), rs.getString(8), rs.getString(9)))
                .list();
    }

    /** Queue remaining for {@code username}, their decisions today, and all samples in review. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public ReviewStats stats(String username) {
        Instant now = clock.instant();
        long user = jdbc.sql("select id from users where lower(username) = lower(:u)").param("u", username).query(Long.class)
                .optional().orElse(-1L);
        ReviewRules.Queues queues = rules.queues(user);
        String scope = queues.all().isEmpty() ? "" : "and (" + ReviewRules.covers("s", "mine") + " or not " + ReviewRules.covers("s", "all") + ")";
        Instant midnight = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        return jdbc.sql("""
                with me as (select id from users where lower(username) = lower(:u))
                select
                  (select count(*) from (select 1 from samples s
                   where s.status = 'IN_REVIEW' %s
                     and not exists (select 1 from reviews r where r.sample_id = s.id and r.reviewer_id = (select id from me) and r.undone_at is null)
                     and (select count(*) from reviews r where r.sample_id = s.id and r.undone_at is null and r.decision <> 'SKIP')
                       + (select count(*) from review_leases l where l.sample_id = s.id and l.reviewer_id <> (select id from me)
                          and l.lease_expires_at > :now) < %s
                   limit %d) counted),
                  (select count(*) from reviews r where r.reviewer_id = (select id from me) and r.undone_at is null
                     and r.created_at >= :midnight),
                  (select count(*) from samples where status = 'IN_REVIEW')""".formatted(scope, ReviewRules.needed("s"),
                        ReviewStats.COUNTED_UP_TO + 1))
                .param("u", username).param("now", Timestamp.from(now)).param("midnight", Timestamp.from(midnight))
                .param("n", properties.reviewsPerSample()).param("overlap", rules.overlap())
                .param("mineCampaigns", queues.mine().campaignArray()).param("mineCategories", queues.mine().categoryArray())
                .param("allCampaigns", queues.all().campaignArray()).param("allCategories", queues.all().categoryArray())
                .query((rs, i) -> new ReviewStats(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
    }

    /**
     * Agreement between curators (every pair of accept/reject decisions by two curators on one sample) and between
     * curators and the judge (see {@link CurationProperties#judgeAcceptScore()}); undone decisions and skips don't count.
     */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public Agreement agreement() {
        List<Kappa.Pair> curators = jdbc.sql("""
                select a.decision = 'ACCEPT', b.decision = 'ACCEPT'
                from reviews a join reviews b on b.sample_id = a.sample_id and b.id > a.id and b.reviewer_id <> a.reviewer_id
                where a.undone_at is null and b.undone_at is null and a.decision <> 'SKIP' and b.decision <> 'SKIP'""")
                .query((rs, i) -> new Kappa.Pair(rs.getBoolean(1), rs.getBoolean(2))).list();
        List<Kappa.Pair> judge = jdbc.sql("""
                select r.decision = 'ACCEPT',
                       coalesce(s.verdict ->> 'decision', '') <> 'AUTO_REJECT'
                         and coalesce(s.judge_score, cast(s.verdict ->> 'overall' as double precision)) >= :t
                from reviews r join samples s on s.id = r.sample_id
                where r.undone_at is null and r.decision <> 'SKIP'
                  and (s.judge_score is not null or jsonb_typeof(s.verdict -> 'overall') = 'number')""")
                .param("t", properties.judgeAcceptScore())
                .query((rs, i) -> new Kappa.Pair(rs.getBoolean(1), rs.getBoolean(2))).list();
        Kappa.Figures c = Kappa.of(curators);
        Kappa.Figures j = Kappa.of(judge);
        return new Agreement(c.n(), c.percent(), c.kappa(), j.n(), j.percent(), j.kappa());
    }

    /**
     * What one decision did: the review row written, the sample's status before and after, and whether it opened an
     * adjudication (the reviews disagree; the sample stays in review and waits for a lead).
     */
    public record DecisionResult(long reviewId, long sampleId, ReviewDecision decision, String statusBefore, String statusAfter,
                                 boolean adjudication) {}

    private DecisionResult decideOne(long user, long sampleId, CuratorDecision decision) {
        Instant now = clock.instant();
        String before = lockStatus(sampleId);
        if (!before.equals("IN_REVIEW")) {
            throw new ReviewConflictException(sampleId, "it is " + before + " now, no longer in review.");
        }
        boolean mine = jdbc.sql("select exists (select 1 from reviews where sample_id = :id and reviewer_id = :user and undone_at is null)")
                .param("id", sampleId).param("user", user).query(Boolean.class).single();
        if (mine) {
            throw new ReviewConflictException(sampleId, "you already decided on it; undo that decision first.");
        }
        boolean awaiting = jdbc.sql("select exists (select 1 from adjudications where sample_id = :id and decided_at is null)")
                .param("id", sampleId).query(Boolean.class).single();
        if (awaiting) {
            throw new ReviewConflictException(sampleId, "its reviews disagree and it waits for a lead's adjudication.");
        }
        long reviewId = jdbc.sql("""
                insert into reviews (sample_id, reviewer_id, decision, reason_code, note, created_at)
                values (:id, :user, :decision, :reason, :note, :now) returning id""")
                .param("id", sampleId).param("user", user).param("decision", decision.decision().name())
                .param("reason", decision.reason() == null ? null : decision.reason().name())
                .param("note", decision.note()).param("now", Timestamp.from(now))
                .query(Long.class).single();
        jdbc.sql("delete from review_leases where sample_id = :id and reviewer_id = :user")
                .param("id", sampleId).param("user", user).update();

        String after = before;
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("reviewId", reviewId);
        given.put("decision", decision.decision().name());
        if (decision.reason() != null) {
            given.put("reason", decision.reason().name());
        }
        if (decision.note() != null) {
            given.put("note", decision.note());
        }
        if (decision.decision() != ReviewDecision.SKIP) {
            List<Decided> all = decisions(sampleId);
            int needed = rules.needed(sampleId);
            boolean agree = all.stream().map(Decided::decision).distinct().count() <= 1;
            if (all.size() >= needed && !agree) {
                jdbc.sql("insert into adjudications (sample_id, opened_at) values (:id, :now) on conflict (sample_id) do nothing")
                        .param("id", sampleId).param("now", Timestamp.from(now)).update();
                given.put("adjudication", "opened: " + all.size() + " reviews disagree; a lead decides");
            } else if (all.size() >= needed) {
                boolean accepted = all.get(0).decision() == ReviewDecision.ACCEPT;
                after = accepted ? "ACCEPTED" : "REJECTED";
                String reason = accepted ? null : all.stream().map(Decided::reason).filter(r -> r != null).findFirst().orElse(null);
                jdbc.sql("""
                        update samples set status = :status, reject_reason = :reason, decided_at = :now, updated_at = :now
                        where id = :id""")
                        .param("status", after).param("reason", reason).param("now", Timestamp.from(now)).param("id", sampleId)
                        .update();
                outbox.changed(Outbox.Aggregate.SAMPLE, sampleId);
            } else {
                given.put("pending", all.size() + " of " + needed + " reviews");
            }
        }
        given.put("status", after);
        audit.record("review." + decision.decision().name().toLowerCase(java.util.Locale.ROOT), "sample", sampleId,
                Map.of("status", before), given);
        return new DecisionResult(reviewId, sampleId, decision.decision(), before, after, given.containsKey("adjudication"));
    }

    private record Decided(ReviewDecision decision, @Nullable String reason) {}

    private List<Decided> decisions(long sampleId) {
        return jdbc.sql("""
                select decision, reason_code from reviews
                where sample_id = :id and undone_at is null and decision <> 'SKIP' order by created_at, id""")
                .param("id", sampleId)
                .query((rs, i) -> new Decided(ReviewDecision.valueOf(rs.getString(1)), rs.getString(2))).list();
    }

    private String lockStatus(long sampleId) {
        return jdbc.sql("select status from samples where id = :id for update").param("id", sampleId)
                .query(String.class).optional()
                .orElseThrow(() -> new ReviewConflictException(sampleId, "no such sample."));
    }

    private long taken(long sampleId, long user, Instant now) {
        return jdbc.sql("""
                select (select count(*) from reviews r where r.sample_id = :id and r.undone_at is null and r.decision <> 'SKIP')
                     + (select count(*) from review_leases l where l.sample_id = :id and l.reviewer_id <> :user and l.lease_expires_at > :now)""")
                .param("id", sampleId).param("user", user).param("now", Timestamp.from(now)).query(Long.class).single();
    }

    private ReviewItem lease(long sampleId, long user, Instant now) {
        Instant expires = now.plusSeconds(properties.leaseSeconds());
        jdbc.sql("""
                insert into review_leases (sample_id, reviewer_id, lease_expires_at) values (:id, :user, :expires)
                on conflict (sample_id, reviewer_id) do update set lease_expires_at = excluded.lease_expires_at""")
                .param("id", sampleId).param("user", user).param("expires", Timestamp.from(expires)).update();
        return items.load(sampleId, expires).orElseThrow(() -> new ReviewConflictException(sampleId, "no such sample."));
    }

    /** The user's id; a signed-in caller may only act as themselves. */
    private long userId(String username) {
        return ActingUser.id(jdbc, username, "review");
    }

    /** A bigint[] literal of the ids, for {@code = any(cast(:ids as bigint[]))}. */
    static String array(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}
