package dev.ditto.curation;

import dev.ditto.audit.AuditLog;
import dev.ditto.search.SampleSearch;
import dev.ditto.search.ScoreRange;
import dev.ditto.search.SearchRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * "Decide all N matches of a query": the curator confirms the count, the server takes a snapshot of the matching
 * sample ids (from Elasticsearch, in one point in time) into {@code decision_batch_samples}, writes one audit entry
 * naming the query, and {@link DecisionBatchWorker} decides the snapshot page by page. A sample someone else decided,
 * or that left review, is reported (skipped, with the reason), never overwritten. The whole batch can be undone.
 */
@Service
public class DecisionBatches {
    /** Snapshot ids inserted per statement. */
    private static final int INSERT_CHUNK = 20_000;

    private final JdbcClient jdbc;
    private final SampleSearch search;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final TransactionTemplate tx;
    private final DecisionBatchProperties properties;
    private final DecisionBatchWorker worker;

    DecisionBatches(JdbcClient jdbc, SampleSearch search, AuditLog audit, ObjectMapper json,
                    org.springframework.transaction.PlatformTransactionManager transactions,
                    DecisionBatchProperties properties, DecisionBatchWorker worker) {
        this.jdbc = jdbc;
        this.search = search;
        this.audit = audit;
        this.json = json;
        this.tx = new TransactionTemplate(transactions);
        this.properties = properties;
        this.worker = worker;
    }

    /** The search a batch of {@code match} acts on: words only unless the curator asked for the results as shown. */
    static SearchRequest effective(SearchRequest query, DecisionBatch.Match match) {
        SearchRequest request = query.after(null).withFacets(false);
        if (match == DecisionBatch.Match.WORDS) {
            if (request.similarTo() != null) {
                throw new IllegalArgumentException("A 'similar to' search has no words to match: decide its results with"
                        + " match AS_SHOWN.");
            }
            request = request.withWordsOnly(true);
        }
        return request;
    }

    /** How many samples a batch of {@code query} would act on now (what the curator confirms). */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    public long count(SearchRequest query, DecisionBatch.@Nullable Match match) {
        return search.countMatches(effective(query, match == null ? DecisionBatch.Match.WORDS : match));
    }

    /**
     * Takes the snapshot and starts the batch.
     *
     * @throws BatchCountChangedException the query matches another number of samples than {@code expectedCount}
     * @throws IllegalArgumentException   the request is not one a batch can run (see the message)
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    public DecisionBatch create(String username, NewDecisionBatch request) {
        long user = ActingUser.id(jdbc, username, "decide");
        SearchRequest query = effective(request.query(), request.match());
        long[] ids = search.matchingIds(query, properties.maxMatches());
        if (ids.length != request.expectedCount()) {
            throw new BatchCountChangedException(request.expectedCount(), ids.length);
        }
        String label = label(query);
        CuratorDecision decision = request.asDecision();
        Long id = tx.execute(status -> {
            long batch = jdbc.sql("""
                    insert into decision_batches (created_by, query, match, label, decision, reason_code, note, matched, state)
                    values (:user, cast(:query as jsonb), :match, :label, :decision, :reason, :note, :matched, 'RUNNING')
                    returning id""")
                    .param("user", user).param("query", json.writeValueAsString(query)).param("match", request.match().name())
                    .param("label", label).param("decision", decision.decision().name())
                    .param("reason", decision.reason() == null ? null : decision.reason().name())
                    .param("note", decision.note()).param("matched", ids.length)
                    .query(Long.class).single();
            for (int from = 0; from < ids.length; from += INSERT_CHUNK) {
                StringBuilder array = new StringBuilder(Math.min(INSERT_CHUNK, ids.length - from) * 8).append('{');
                for (int i = from; i < Math.min(ids.length, from + INSERT_CHUNK); i++) {
                    array.append(i == from ? "" : ",").append(ids[i]);
                }
                jdbc.sql("insert into decision_batch_samples (batch_id, sample_id) select :b, unnest(cast(:ids as bigint[]))")
                        .param("b", batch).param("ids", array.append('}').toString()).update();
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("query", label);
            after.put("match", request.match().name());
            after.put("decision", decision.decision().name());
            if (decision.reason() != null) {
                after.put("reason", decision.reason().name());
            }
            after.put("matched", ids.length);
            audit.record("review.batch", "decision_batch", batch, null, after);
            return batch;
        });
        worker.wake();
        return find(id).orElseThrow();
    }

    /** A batch, with its progress. */
    @PreAuthorize("isAuthenticated()")
    public Optional<DecisionBatch> find(long id) {
        return jdbc.sql(SELECT + " where b.id = :id").param("id", id).query(this::row).optional()
                .map(b -> withReasons(b, id));
    }

    /** The newest batches first. */
    @PreAuthorize("isAuthenticated()")
    public List<DecisionBatch> recent(int limit, int offset) {
        return jdbc.sql(SELECT + " order by b.id desc limit :limit offset :offset")
                .param("limit", Math.max(1, Math.min(limit, 200))).param("offset", Math.max(0, offset))
                .query(this::row).list();
    }

    /** A sample a batch left alone, and why. */
    public record Skipped(long sampleId, String reason) {}

    /** The samples {@code id} left alone, by sample id. */
    @PreAuthorize("isAuthenticated()")
    public List<Skipped> skipped(long id, int limit, int offset) {
        return jdbc.sql("""
                select sample_id, detail from decision_batch_samples where batch_id = :id and outcome = 'SKIPPED'
                order by sample_id limit :limit offset :offset""")
                .param("id", id).param("limit", Math.max(1, Math.min(limit, 1000))).param("offset", Math.max(0, offset))
                .query((rs, i) -> new Skipped(rs.getLong(1), rs.getString(2))).list();
    }

    /**
     * Undoes the whole batch: it stops deciding (if it still runs) and every decision it wrote is undone, page by page;
     * samples that have no decision left go back to review. Only its curator or an admin may undo it.
     *
     * @throws NoSuchElementException no such batch
     * @throws IllegalStateException  it is undone or being undone already
     */
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    public DecisionBatch undo(String username, long id) {
        ActingUser.id(jdbc, username, "undo");
        tx.executeWithoutResult(status -> {
            record Row(String owner, String state, int decided) {}
            Row row = jdbc.sql("""
                    select u.username, b.state, b.decided from decision_batches b join users u on u.id = b.created_by
                    where b.id = :id for update of b""")
                    .param("id", id).query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getInt(3))).optional()
                    .orElseThrow(() -> new NoSuchElementException("There is no batch " + id + "."));
            boolean admin = SecurityContextHolder.getContext().getAuthentication() != null
                    && SecurityContextHolder.getContext().getAuthentication().getAuthorities().stream()
                    .anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
            if (!row.owner().equalsIgnoreCase(username) && !admin) {
                throw new AccessDeniedException("Batch " + id + " is " + row.owner() + "'s; only they or an admin may undo it.");
            }
            if (row.state().equals("UNDOING") || row.state().equals("UNDONE")) {
                throw new IllegalStateException("Batch " + id + " is " + row.state() + " already.");
            }
            jdbc.sql("""
                    update decision_batches set state = 'UNDOING', undo_requested_at = now(), undo_cursor_id = 0,
                           lease_owner = null, lease_expires_at = null
                    where id = :id""").param("id", id).update();
            audit.record("review.batch.undo", "decision_batch", id, Map.of("state", row.state(), "decided", row.decided()),
                    Map.of("state", "UNDOING"));
        });
        worker.wake();
        return find(id).orElseThrow();
    }

    private static final String SELECT = """
            select b.id, u.username, b.label, b.query::text, b.match, b.decision, b.reason_code, b.note, b.matched, b.state,
                   b.processed, b.decided, b.skipped, b.undone, b.error, b.created_at, b.finished_at, b.undone_at
            from decision_batches b join users u on u.id = b.created_by""";

    private DecisionBatch row(ResultSet rs, int i) throws SQLException {
        return new DecisionBatch(rs.getLong(1), rs.getString(2), rs.getString(3),
                json.readValue(rs.getString(4), SearchRequest.class), DecisionBatch.Match.valueOf(rs.getString(5)),
                ReviewDecision.valueOf(rs.getString(6)), rs.getString(7) == null ? null : ReasonCode.valueOf(rs.getString(7)),
                rs.getString(8), rs.getInt(9), DecisionBatch.State.valueOf(rs.getString(10)), rs.getInt(11), rs.getInt(12),
                rs.getInt(13), rs.getInt(14), List.of(), rs.getString(15), rs.getTimestamp(16).toInstant(),
                ReviewItems.instant(rs.getTimestamp(17)), ReviewItems.instant(rs.getTimestamp(18)));
    }

    private DecisionBatch withReasons(DecisionBatch b, long id) {
        if (b.skipped() == 0) {
            return b;
        }
        List<DecisionBatch.ReasonCount> reasons = jdbc.sql("""
                select detail, count(*) from decision_batch_samples where batch_id = :id and outcome = 'SKIPPED'
                group by detail order by count(*) desc, detail limit 10""")
                .param("id", id).query((rs, i) -> new DecisionBatch.ReasonCount(rs.getString(1), rs.getLong(2))).list();
        return new DecisionBatch(b.id(), b.createdBy(), b.label(), b.query(), b.match(), b.decision(), b.reason(), b.note(),
                b.matched(), b.state(), b.processed(), b.decided(), b.skipped(), b.undone(), reasons, b.error(), b.createdAt(),
                b.finishedAt(), b.undoneAt());
    }

    /** The query in words: what the audit log and the lists show. */
    static String label(SearchRequest q) {
        List<String> parts = new ArrayList<>();
        if (q.text() != null) {
            parts.add("\"" + q.text() + "\"" + (q.wordsOnly() ? " (words only)" : " (words and meaning)"));
        }
        if (q.similarTo() != null) {
            parts.add("similar to #" + q.similarTo());
        }
        filter(parts, "status", q.statuses());
        filter(parts, "category", q.categories());
        filter(parts, "engine", q.engines());
        filter(parts, "tag", q.tags());
        filter(parts, "release", q.releaseIds());
        filter(parts, "campaign", q.campaignIds());
        for (ScoreRange r : q.scoreRanges()) {
            parts.add(r.field().name().toLowerCase(Locale.ROOT) + " " + (r.min() == null ? "" : r.min()) + ".."
                    + (r.max() == null ? "" : r.max()));
        }
        return parts.isEmpty() ? "every sample" : String.join(" · ", parts);
    }

    private static void filter(List<String> parts, String name, List<?> values) {
        if (!values.isEmpty()) {
            parts.add(name + " " + values.stream().map(String::valueOf).reduce((a, b) -> a + " or " + b).orElseThrow());
        }
    }
}
