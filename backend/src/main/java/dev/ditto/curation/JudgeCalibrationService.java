package dev.ditto.curation;

import dev.ditto.agent.judge.Calibration;
import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.JudgeThresholds;
import dev.ditto.audit.AuditLog;
import dev.ditto.campaigns.AgentEngines;
import dev.ditto.campaigns.AgentSettings;
import dev.ditto.outbox.Outbox;
import dev.ditto.settings.SettingsService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calibrates the judge against curators: the report (agreement, kappa, curves, proposals) over the most recent
 * decided samples, and applying thresholds, which saves them as settings (in force at once, audited) and re-decides
 * every stored verdict still waiting for a person or auto-rejected, from its stored scores, without judging again.
 */
@Service
public class JudgeCalibrationService {
    /** Decided samples the report reads at most (the most recent ones). */
    static final int MAX_ITEMS = 20_000;
    private static final int BATCH = 1000;

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final AgentEngines engines;
    private final SettingsService settings;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final AuditLog audit;

    JudgeCalibrationService(JdbcClient jdbc, ObjectMapper json, AgentEngines engines, SettingsService settings,
                            TransactionTemplate tx, Outbox outbox, AuditLog audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.engines = engines;
        this.settings = settings;
        this.tx = tx;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** The thresholds the judge decides with now. */
    public JudgeThresholds current() {
        return engines.properties().judgeThresholds();
    }

    /** The calibration report over the most recent samples curators decided. */
    @PreAuthorize("hasRole('ADMIN')")
    public Calibration.Report report(double targetPrecision) {
        if (!(targetPrecision > 0 && targetPrecision <= 1)) {
            throw new IllegalArgumentException("the target precision must be above 0 and at most 1, not " + targetPrecision);
        }
        return Calibration.of(items(), current(), targetPrecision);
    }

    /**
     * The decided samples: judge scores from the stored verdict, and the curators' label (the majority of standing
     * accept/reject decisions; a tie is left out).
     */
    List<Calibration.Item> items() {
        List<Calibration.Item> out = new ArrayList<>();
        jdbc.sql("""
                select s.id, s.category, s.verdict::text,
                       count(*) filter (where r.decision = 'ACCEPT'), count(*) filter (where r.decision = 'REJECT')
                from samples s join reviews r on r.sample_id = s.id and r.undone_at is null and r.decision in ('ACCEPT', 'REJECT')
                where jsonb_exists(s.verdict, 'scores')
                group by s.id order by s.id desc limit :limit""")
                .param("limit", MAX_ITEMS)
                .query((rs, i) -> {
                    long acc = rs.getLong(4);
                    long rej = rs.getLong(5);
                    Map<Criterion, Double> scores = scores(rs.getString(3));
                    if (acc != rej && !scores.isEmpty()) {
                        out.add(new Calibration.Item(String.valueOf(rs.getLong(1)), rs.getString(2), scores, acc > rej));
                    }
                    return null;
                }).list();
        return out;
    }

    /** What applying did. */
    public record Applied(String overallBefore, String overallAfter, String minimumsBefore, String minimumsAfter,
                          long toReview, long toAutoRejected, long unchanged) {}

    /**
     * Puts {@code thresholds} in force (settings, audited) and re-decides stored verdicts from their scores: samples in
     * review that nobody decided yet and auto-rejected ones move between the two; decided samples keep their decision.
     */
    @PreAuthorize("hasRole('ADMIN')")
    public Applied apply(JudgeThresholds thresholds) {
        JudgeThresholds before = current();
        settings.set(AgentSettings.JUDGE_MIN_OVERALL, String.format(Locale.ROOT, "%.2f", thresholds.overallMinimum()));
        settings.set(AgentSettings.JUDGE_CRITERION_MINIMUMS, thresholds.minimumsText());
        long toReview = 0;
        long toRejected = 0;
        long unchanged = 0;
        long after = Long.MAX_VALUE;
        while (true) {
            long from = after;
            List<Stored> batch = jdbc.sql("""
                    select s.id, s.status, s.verdict::text from samples s
                    where s.id < :after and s.status in ('IN_REVIEW', 'AUTO_REJECTED') and jsonb_exists(s.verdict, 'scores')
                      and not exists (select 1 from reviews r where r.sample_id = s.id and r.undone_at is null)
                    order by s.id desc limit :batch""")
                    .param("after", from).param("batch", BATCH)
                    .query((rs, i) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
            if (batch.isEmpty()) {
                break;
            }
            after = batch.getLast().id();
            long[] moved = tx.execute(s -> redecide(batch, thresholds));
            toReview += moved[0];
            toRejected += moved[1];
            unchanged += moved[2];
        }
        Applied result = new Applied(fmt(before.overallMinimum()), fmt(thresholds.overallMinimum()), before.minimumsText(),
                thresholds.minimumsText(), toReview, toRejected, unchanged);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("overall", result.overallAfter());
        a.put("minimums", result.minimumsAfter());
        a.put("toReview", toReview);
        a.put("toAutoRejected", toRejected);
        audit.record("judge.calibrate", "judge", null, Map.of("overall", result.overallBefore(), "minimums",
                result.minimumsBefore()), a);
        return result;
    }

    private long[] redecide(List<Stored> batch, JudgeThresholds t) {
        long[] moved = new long[3];
        for (Stored s : batch) {
            Map<Criterion, Double> scores = scores(s.verdict());
            boolean passes = Calibration.passes(new Calibration.Item(String.valueOf(s.id()), "", scores, true), t);
            ObjectNode verdict = (ObjectNode) json.readTree(s.verdict());
            boolean calibrationSample = verdict.path("calibrationSample").asBoolean(false);
            String status = passes || calibrationSample && s.status().equals("IN_REVIEW") ? "IN_REVIEW" : "AUTO_REJECTED";
            verdict.put("decision", passes ? "ACCEPT_TO_QUEUE" : "AUTO_REJECT");
            String reason = passes ? null : reason(scores, t);
            verdict.put("reason", reason == null ? "" : reason);
            verdict.put("redecidedUnder", "overall " + fmt(t.overallMinimum()) + "; " + t.minimumsText());
            if (status.equals(s.status())) {
                moved[2]++;
            } else {
                moved[status.equals("IN_REVIEW") ? 0 : 1]++;
            }
            jdbc.sql("""
                    update samples set status = :status, verdict = cast(:verdict as jsonb), reject_reason = :reason,
                           updated_at = now() where id = :id and status = :was""")
                    .param("status", status).param("verdict", json.writeValueAsString(verdict))
                    .param("reason", status.equals("AUTO_REJECTED") ? "judge: " + reason : null)
                    .param("id", s.id()).param("was", s.status()).update();
            outbox.changed(Outbox.Aggregate.SAMPLE, s.id());
        }
        return moved;
    }

    private static @Nullable String reason(Map<Criterion, Double> scores, JudgeThresholds t) {
        for (Criterion c : Criterion.values()) {
            Double v = scores.get(c);
            double min = t.minimums().getOrDefault(c, 0.0);
            if (v != null && v < min) {
                return String.format(Locale.ROOT, "%s %.2f < %.2f (re-decided under calibrated thresholds)", c.wireName(), v, min);
            }
        }
        return "overall below " + fmt(t.overallMinimum()) + " (re-decided under calibrated thresholds)";
    }

    /** Scores of a stored verdict ({@code {"scores": {"safety": {"score": 1.0, …}}}}; older rows say "value"). */
    Map<Criterion, Double> scores(@Nullable String verdictJson) {
        Map<Criterion, Double> out = new EnumMap<>(Criterion.class);
        if (verdictJson == null) {
            return out;
        }
        JsonNode scores = json.readTree(verdictJson).path("scores");
        for (Criterion c : Criterion.values()) {
            JsonNode s = scores.path(c.wireName());
            JsonNode v = s.has("score") ? s.get("score") : s.get("value");
            if (v != null && v.isNumber()) {
                out.put(c, v.asDouble());
            }
        }
        return out;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private record Stored(long id, String status, String verdict) {}
}
