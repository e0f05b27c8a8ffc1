package dev.ditto.curation;

import dev.ditto.audit.AuditLog;
import dev.ditto.outbox.Outbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Review as a team: queues assigned to curators, adjudication of disagreements and review of reviews. A lead is an
 * admin, or a curator an admin marked as lead ({@code users.lead}); leads assign queues, adjudicate samples whose
 * reviews disagree (seeing every review and its reason) and re-check a sample of accepted samples, where an overturn
 * rejects the sample and counts against the curators who accepted it. Every change is audited.
 */
@Service
public class TeamReview {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Outbox outbox;
    private final AuditLog audit;

    TeamReview(JdbcClient jdbc, Clock clock, Outbox outbox, AuditLog audit) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** One review of a sample, as a lead sees it. */
    public record Review(String curator, ReviewDecision decision, @Nullable ReasonCode reason, @Nullable String note, Instant at) {}

    /** A sample whose reviews disagree, with those reviews; decided ones carry the lead's decision. */
    public record Adjudication(long sampleId, String instruction, String category, @Nullable Long campaignId, Instant openedAt,
                               List<Review> reviews, @Nullable String adjudicator, @Nullable ReviewDecision decision,
                               @Nullable ReasonCode reason, @Nullable String note, @Nullable Instant decidedAt) {}

    /** An accepted sample drawn for a second look, and what the lead found. */
    public record Recheck(long id, long sampleId, String instruction, String category, List<String> curators, String requestedBy,
                          Instant requestedAt, @Nullable String checker, @Nullable String outcome, @Nullable ReasonCode reason,
                          @Nullable String note, @Nullable Instant decidedAt) {}

    /** A queue assigned to a curator: a campaign's samples or a category's. */
    public record Assignment(long id, String assignee, @Nullable Long campaignId, @Nullable String campaignName,
                             @Nullable String category, @Nullable String createdBy, Instant createdAt) {}

    /** A user who may act as a lead, and why. */
    public record Lead(String username, String role, boolean lead) {}

    /** Whether {@code username} is a lead: an enabled admin, or a user marked as lead. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public boolean isLead(String username) {
        return jdbc.sql("select role = 'ADMIN' or lead from users where lower(username) = lower(:u) and enabled")
                .param("u", username).query(Boolean.class).optional().orElse(false);
    }

    // ---------------------------------------------------------------- leads

    /** Users who are leads (admins and curators marked as lead). */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Lead> leads() {
        return jdbc.sql("select username, role, lead from users where enabled and (lead or role = 'ADMIN') order by lower(username)")
                .query((rs, i) -> new Lead(rs.getString(1), rs.getString(2), rs.getBoolean(3))).list();
    }

    /** Marks a curator as lead or not (admins only; audited). */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public Lead setLead(String username, boolean lead) {
        record U(long id, String username, String role, boolean lead) {}
        U user = jdbc.sql("select id, username, role, lead from users where lower(username) = lower(:u) for update")
                .param("u", username).query((rs, i) -> new U(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                .optional().orElseThrow(() -> new NoSuchElementException("There is no user named '" + username + "'."));
        if (lead && user.role().equals("VIEWER")) {
            throw new IllegalArgumentException(user.username() + " is a viewer; a lead decides on samples, so make them a"
                    + " CURATOR first.");
        }
        if (user.lead() != lead) {
            jdbc.sql("update users set lead = :lead where id = :id").param("lead", lead).param("id", user.id()).update();
            audit.record("user.lead", "user", user.id(), Map.of("lead", user.lead()), Map.of("lead", lead));
        }
        return new Lead(user.username(), user.role(), lead);
    }

    // ---------------------------------------------------------------- assignments

    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Assignment> assignments() {
        return jdbc.sql("""
                select a.id, u.username, a.campaign_id, c.name, a.category, b.username, a.created_at
                from review_assignments a join users u on u.id = a.assignee_id
                left join campaigns c on c.id = a.campaign_id left join users b on b.id = a.created_by
                order by lower(u.username), a.id""")
                .query((rs, i) -> new Assignment(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()))
                .list();
    }

    /**
     * Assigns the review queue of a campaign or of a category to a curator (leads only; audited). Their "next" serves it
     * first, and other curators are no longer served it.
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Assignment assign(String lead, @Nullable String assignee, @Nullable Long campaignId, @Nullable String category) {
        long leadId = requireLead(lead, "assign review queues");
        if (assignee == null || assignee.isBlank()) {
            throw new IllegalArgumentException("'assignee' is missing: the username of the curator who gets the queue.");
        }
        String cat = category == null || category.isBlank() ? null : category.strip();
        if ((campaignId == null) == (cat == null)) {
            throw new IllegalArgumentException("Give either 'campaignId' or 'category' (such as GLOBAL_STYLE), not both or neither.");
        }
        if (cat != null && !ReviewRules.CATEGORY.matcher(cat).matches()) {
            throw new IllegalArgumentException("'category' is a category as samples name it, such as GLOBAL_STYLE (letters, digits,"
                    + " '_' and '-'), not '" + cat + "'.");
        }
        record U(long id, String role) {}
        U user = jdbc.sql("select id, role from users where lower(username) = lower(:u) and enabled").param("u", assignee.strip())
                .query((rs, i) -> new U(rs.getLong(1), rs.getString(2))).optional()
                .orElseThrow(() -> new IllegalArgumentException("There is no enabled user named '" + assignee.strip() + "'."));
        if (user.role().equals("VIEWER")) {
            throw new IllegalArgumentException(assignee.strip() + " is a viewer and cannot review; assign a CURATOR or ADMIN.");
        }
        if (campaignId != null && jdbc.sql("select count(*) from campaigns where id = :id").param("id", campaignId)
                .query(Long.class).single() == 0) {
            throw new IllegalArgumentException("There is no campaign " + campaignId + ".");
        }
        Optional<Long> id = jdbc.sql("""
                insert into review_assignments (assignee_id, campaign_id, category, created_by, created_at)
                values (:u, :c, :cat, :by, :now) on conflict do nothing returning id""")
                .param("u", user.id()).param("c", campaignId).param("cat", cat).param("by", leadId)
                .param("now", Timestamp.from(clock.instant())).query(Long.class).optional();
        if (id.isEmpty()) {
            throw new IllegalStateException(assignee.strip() + " already has this queue.");
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("assignee", assignee.strip());
        if (campaignId != null) {
            after.put("campaignId", campaignId);
        } else {
            after.put("category", cat);
        }
        audit.record("review.assign", "review_assignment", id.get(), null, after);
        return assignments().stream().filter(a -> a.id() == id.get()).findFirst().orElseThrow();
    }

    /** Removes an assignment (leads only; audited): its samples are open to every curator again. */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public void unassign(String lead, long assignmentId) {
        requireLead(lead, "remove assignments");
        Assignment a = assignments().stream().filter(x -> x.id() == assignmentId).findFirst()
                .orElseThrow(() -> new NoSuchElementException("There is no assignment " + assignmentId + "."));
        jdbc.sql("delete from review_assignments where id = :id").param("id", assignmentId).update();
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("assignee", a.assignee());
        before.put(a.campaignId() != null ? "campaignId" : "category", a.campaignId() != null ? a.campaignId() : a.category());
        audit.record("review.unassign", "review_assignment", assignmentId, before, null);
    }

    // ---------------------------------------------------------------- adjudication

    /** Adjudications waiting for a lead (open = true) or decided, oldest first / newest first. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Adjudication> adjudications(boolean open, int limit, int offset) {
        List<Long> ids = jdbc.sql(open
                        ? "select sample_id from adjudications where decided_at is null order by opened_at, sample_id limit :l offset :o"
                        : "select sample_id from adjudications where decided_at is not null order by decided_at desc, sample_id limit :l offset :o")
                .param("l", Math.max(1, Math.min(limit, 500))).param("o", Math.max(0, offset)).query(Long.class).list();
        List<Adjudication> out = new ArrayList<>();
        for (long id : ids) {
            adjudication(id).ifPresent(out::add);
        }
        return out;
    }

    /** One sample's adjudication, if its reviews ever disagreed. */
    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public Optional<Adjudication> adjudication(long sampleId) {
        List<Review> reviews = reviews(sampleId);
        return jdbc.sql("""
                select a.sample_id, i.text, s.category, s.campaign_id, a.opened_at, u.username, a.decision, a.reason_code, a.note,
                       a.decided_at
                from adjudications a join samples s on s.id = a.sample_id join instructions i on i.id = s.instruction_id
                left join users u on u.id = a.adjudicator_id where a.sample_id = :id""")
                .param("id", sampleId)
                .query((rs, i) -> new Adjudication(rs.getLong(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4),
                        rs.getTimestamp(5).toInstant(), reviews, rs.getString(6),
                        rs.getString(7) == null ? null : ReviewDecision.valueOf(rs.getString(7)), ReviewItems.reason(rs.getString(8)),
                        rs.getString(9), ReviewItems.instant(rs.getTimestamp(10))))
                .optional();
    }

    /** The oldest open adjudication {@code lead} may decide (not one of their own reviews). */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional(readOnly = true)
    public Optional<Adjudication> nextAdjudication(String lead) {
        long leadId = requireLead(lead, "adjudicate");
        return jdbc.sql("""
                select a.sample_id from adjudications a where a.decided_at is null
                  and not exists (select 1 from reviews r where r.sample_id = a.sample_id and r.reviewer_id = :me and r.undone_at is null)
                order by a.opened_at, a.sample_id limit 1""")
                .param("me", leadId).query(Long.class).optional().flatMap(this::adjudication);
    }

    /**
     * A lead's decision on a sample whose reviews disagree: the sample becomes ACCEPTED or REJECTED (with the lead's
     * reason) and the reviews stay as they were. Audited with every review it settled.
     *
     * @throws ReviewConflictException nothing to adjudicate on this sample, or the lead reviewed it themselves
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Adjudication adjudicate(String lead, long sampleId, CuratorDecision decision) {
        long leadId = requireLead(lead, "adjudicate");
        if (decision.decision() == ReviewDecision.SKIP) {
            throw new IllegalArgumentException("An adjudication is ACCEPT or REJECT (with a 'reason'); leave the sample to skip it.");
        }
        String status = jdbc.sql("select status from samples where id = :id for update").param("id", sampleId)
                .query(String.class).optional().orElseThrow(() -> new NoSuchElementException("There is no sample " + sampleId + "."));
        boolean open = jdbc.sql("select exists (select 1 from adjudications where sample_id = :id and decided_at is null)")
                .param("id", sampleId).query(Boolean.class).single();
        if (!open || !status.equals("IN_REVIEW")) {
            throw new ReviewConflictException(sampleId, "it does not wait for adjudication (it is " + status + ").");
        }
        List<Review> reviews = reviews(sampleId);
        boolean reviewedIt = jdbc.sql("select exists (select 1 from reviews where sample_id = :id and reviewer_id = :me and undone_at is null)")
                .param("id", sampleId).param("me", leadId).query(Boolean.class).single();
        if (reviewedIt) {
            throw new ReviewConflictException(sampleId, "you reviewed it yourself; another lead adjudicates it.");
        }
        Instant now = clock.instant();
        String after = decision.decision() == ReviewDecision.ACCEPT ? "ACCEPTED" : "REJECTED";
        jdbc.sql("""
                update adjudications set adjudicator_id = :me, decision = :d, reason_code = :r, note = :note, decided_at = :now
                where sample_id = :id""")
                .param("me", leadId).param("d", decision.decision().name())
                .param("r", decision.reason() == null ? null : decision.reason().name()).param("note", decision.note())
                .param("now", Timestamp.from(now)).param("id", sampleId).update();
        jdbc.sql("""
                update samples set status = :status, reject_reason = :reason, decided_at = :now, updated_at = :now where id = :id""")
                .param("status", after).param("reason", decision.reason() == null ? null : decision.reason().name())
                .param("now", Timestamp.from(now)).param("id", sampleId).update();
        jdbc.sql("delete from review_leases where sample_id = :id").param("id", sampleId).update();
        outbox.changed(Outbox.Aggregate.SAMPLE, sampleId);
        List<Map<String, Object>> settled = new ArrayList<>();
        for (Review r : reviews) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("curator", r.curator());
            m.put("decision", r.decision().name());
            if (r.reason() != null) {
                m.put("reason", r.reason().name());
            }
            settled.add(m);
        }
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("status", after);
        given.put("decision", decision.decision().name());
        if (decision.reason() != null) {
            given.put("reason", decision.reason().name());
        }
        if (decision.note() != null) {
            given.put("note", decision.note());
        }
        audit.record("review.adjudicate", "sample", sampleId, Map.of("status", status, "reviews", settled), given);
        return adjudication(sampleId).orElseThrow();
    }

    // ---------------------------------------------------------------- review of reviews

    /**
     * Draws up to {@code count} accepted samples (of one curator's acceptances when {@code curator} is given) that are
     * not waiting for a re-check already, at random, into the re-check queue (leads only; audited).
     *
     * @return how many were drawn
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public int drawRechecks(String lead, int count, @Nullable String curator) {
        long leadId = requireLead(lead, "draw samples for review of reviews");
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("'count' is how many accepted samples to re-check: 1 to 1000, not " + count + ".");
        }
        Long curatorId = null;
        if (curator != null && !curator.isBlank()) {
            curatorId = jdbc.sql("select id from users where lower(username) = lower(:u)").param("u", curator.strip())
                    .query(Long.class).optional()
                    .orElseThrow(() -> new IllegalArgumentException("There is no user named '" + curator.strip() + "'."));
        }
        // a random start in the id range and a walk up from it keeps the draw cheap on a million accepted samples
        int drawn = jdbc.sql("""
                with accepted as (
                    select s.id, array_agg(r.reviewer_id order by r.id) as curators
                    from samples s join reviews r on r.sample_id = s.id and r.undone_at is null and r.decision = 'ACCEPT'
                    where s.status = 'ACCEPTED'
                      and not exists (select 1 from rechecks c where c.sample_id = s.id)
                      and not exists (select 1 from adjudications a where a.sample_id = s.id)
                      and (cast(:curator as bigint) is null or exists (select 1 from reviews m where m.sample_id = s.id
                           and m.reviewer_id = :curator and m.undone_at is null and m.decision = 'ACCEPT'))
                      and not exists (select 1 from reviews m where m.sample_id = s.id and m.reviewer_id = :me and m.undone_at is null)
                    group by s.id
                    order by random() limit :count)
                insert into rechecks (sample_id, curator_ids, requested_by, requested_at)
                select id, curators, :me, :now from accepted on conflict do nothing""")
                .param("curator", curatorId).param("me", leadId).param("count", count)
                .param("now", Timestamp.from(clock.instant())).update();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("asked", count);
        after.put("drawn", drawn);
        if (curator != null && !curator.isBlank()) {
            after.put("curator", curator.strip());
        }
        audit.record("recheck.draw", "recheck", null, null, after);
        return drawn;
    }

    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public List<Recheck> rechecks(boolean open, int limit, int offset) {
        return jdbc.sql(RECHECKS + (open ? " where c.decided_at is null order by c.id" : " where c.decided_at is not null order by c.decided_at desc, c.id desc")
                        + " limit :l offset :o")
                .param("l", Math.max(1, Math.min(limit, 500))).param("o", Math.max(0, offset)).query(TeamReview::recheck).list();
    }

    @PreAuthorize("isAuthenticated()")
    @Transactional(readOnly = true)
    public Optional<Recheck> recheck(long id) {
        return jdbc.sql(RECHECKS + " where c.id = :id").param("id", id).query(TeamReview::recheck).optional();
    }

    /** The oldest open re-check {@code lead} may decide (not a sample they accepted themselves). */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional(readOnly = true)
    public Optional<Recheck> nextRecheck(String lead) {
        long leadId = requireLead(lead, "re-check accepted samples");
        return jdbc.sql(RECHECKS + " where c.decided_at is null and not (:me = any(c.curator_ids)) order by c.id limit 1")
                .param("me", leadId).query(TeamReview::recheck).optional();
    }

    /**
     * A lead's finding on a re-checked sample: UPHELD leaves it accepted; OVERTURNED rejects it with the lead's reason and
     * counts against the curators who accepted it. Audited.
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    @Transactional
    public Recheck decideRecheck(String lead, long recheckId, boolean overturn, @Nullable ReasonCode reason, @Nullable String note) {
        long leadId = requireLead(lead, "re-check accepted samples");
        CuratorDecision finding = overturn ? CuratorDecision.reject(requireReason(reason), note)
                : new CuratorDecision(ReviewDecision.ACCEPT, null, note);
        Recheck r = recheck(recheckId).orElseThrow(() -> new NoSuchElementException("There is no re-check " + recheckId + "."));
        String status = jdbc.sql("select status from samples where id = :id for update").param("id", r.sampleId())
                .query(String.class).single();
        boolean open = jdbc.sql("select decided_at is null from rechecks where id = :id for update").param("id", recheckId)
                .query(Boolean.class).single();
        if (!open) {
            throw new ReviewConflictException(r.sampleId(), "re-check " + recheckId + " is decided already (" + r.outcome() + ").");
        }
        boolean own = jdbc.sql("select :me = any(curator_ids) from rechecks where id = :id").param("me", leadId).param("id", recheckId)
                .query(Boolean.class).single();
        if (own) {
            throw new ReviewConflictException(r.sampleId(), "you accepted it yourself; another lead re-checks it.");
        }
        Instant now = clock.instant();
        String outcome = overturn ? "OVERTURNED" : "UPHELD";
        jdbc.sql("""
                update rechecks set checker_id = :me, outcome = :o, reason_code = :r, note = :note, decided_at = :now where id = :id""")
                .param("me", leadId).param("o", outcome).param("r", overturn ? finding.reason().name() : null)
                .param("note", finding.note()).param("now", Timestamp.from(now)).param("id", recheckId).update();
        String after = status;
        if (overturn && status.equals("ACCEPTED")) {
            after = "REJECTED";
            jdbc.sql("update samples set status = 'REJECTED', reject_reason = :r, decided_at = :now, updated_at = :now where id = :id")
                    .param("r", finding.reason().name()).param("now", Timestamp.from(now)).param("id", r.sampleId()).update();
            outbox.changed(Outbox.Aggregate.SAMPLE, r.sampleId());
        }
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("recheckId", recheckId);
        given.put("outcome", outcome);
        given.put("status", after);
        given.put("curators", r.curators());
        if (overturn) {
            given.put("reason", finding.reason().name());
        }
        if (finding.note() != null) {
            given.put("note", finding.note());
        }
        audit.record("recheck." + outcome.toLowerCase(java.util.Locale.ROOT), "sample", r.sampleId(), Map.of("status", status), given);
        return recheck(recheckId).orElseThrow();
    }

    private static ReasonCode requireReason(@Nullable ReasonCode reason) {
        if (reason == null) {
            throw new IllegalArgumentException("An overturn needs a 'reason' code, as a reject does.");
        }
        return reason;
    }

    private static final String RECHECKS = """
            select c.id, c.sample_id, i.text, s.category,
                   (select coalesce(array_agg(u.username order by u.username), '{}') from users u where u.id = any(c.curator_ids)),
                   q.username, c.requested_at, k.username, c.outcome, c.reason_code, c.note, c.decided_at
            from rechecks c join samples s on s.id = c.sample_id join instructions i on i.id = s.instruction_id
            left join users q on q.id = c.requested_by left join users k on k.id = c.checker_id""";

    private static Recheck recheck(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Recheck(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                List.of((String[]) rs.getArray(5).getArray()), rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getString(8),
                rs.getString(9), ReviewItems.reason(rs.getString(10)), rs.getString(11), ReviewItems.instant(rs.getTimestamp(12)));
    }

    private List<Review> reviews(long sampleId) {
        return jdbc.sql("""
                select u.username, r.decision, r.reason_code, r.note, r.created_at
                from reviews r join users u on u.id = r.reviewer_id
                where r.sample_id = :id and r.undone_at is null and r.decision <> 'SKIP' order by r.created_at, r.id""")
                .param("id", sampleId)
                .query((rs, i) -> new Review(rs.getString(1), ReviewDecision.valueOf(rs.getString(2)), ReviewItems.reason(rs.getString(3)),
                        rs.getString(4), rs.getTimestamp(5).toInstant()))
                .list();
    }

    /** The lead's id; the caller acts as themselves and must be an admin or a lead. */
    private long requireLead(String username, String what) {
        long id = ActingUser.id(jdbc, username, what);
        if (!isLead(username)) {
            throw new AccessDeniedException(username + " is not a lead: only admins and curators marked as lead may " + what);
        }
        return id;
    }
}
