package dev.ditto.campaigns;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Curators' decisions shape the next campaign: from the last N standing decisions, each category's and each
 * operator's rejection rate and main reason, a proposed category mix (a category rejected more often than the rest
 * gets less weight, one rejected less gets more) and writer guidance (operators to avoid, with why). The campaign
 * dialog shows it; the admin accepts or edits it; the campaign records what it used.
 */
@Service
public class CampaignAdvisor {
    /** Decisions read by default. */
    public static final int DEFAULT_LAST = 500;
    /** Decisions a category or operator needs before its rate moves anything. */
    public static final int DEFAULT_MIN_DECISIONS = 3;
    private static final double MIN_WEIGHT = 0.01;

    private final JdbcClient jdbc;

    CampaignAdvisor(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One group's decisions: how many, how many rejected, and the most frequent reason. */
    public record Rate(String name, long decided, long rejected, @Nullable String topReason, long topReasonCount) {
        public double rejectRate() {
            return decided == 0 ? 0 : (double) rejected / decided;
        }
    }

    /**
     * The advice.
     *
     * @param lines    what a person reads, e.g. "local replace: 27% of 11 rejected (mostly ARTIFACTS): weight 0.15 → 0.08"
     * @param guidance operators the writer should avoid, one line each with the reason
     */
    public record Advice(int basedOn, Map<Category, Double> currentMix, Map<Category, Double> proposedMix,
                         List<Rate> categories, List<Rate> operators, List<String> lines, List<String> guidance,
                         @Nullable String why) {}

    /** Advice from the last {@code last} decisions against {@code base} (empty: the default mix). */
    public Advice advise(@Nullable Map<Category, Double> base, int last, int minDecisions) {
        if (last < 1 || last > 100_000) {
            throw new IllegalArgumentException("last must be between 1 and 100000 decisions, not " + last);
        }
        if (minDecisions < 1) {
            throw new IllegalArgumentException("minDecisions must be at least 1");
        }
        Map<Category, Double> mix = new EnumMap<>(Category.class);
        mix.putAll(base == null || base.isEmpty() ? CategoryMix.defaultMix().targets() : base);
        double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
        mix.replaceAll((c, w) -> w / total);

        List<Decision> decisions = jdbc.sql("""
                select s.category, coalesce(i.edit_spec ->> 'op', '?'), r.decision, r.reason_code
                from reviews r join samples s on s.id = r.sample_id join instructions i on i.id = s.instruction_id
                where r.undone_at is null and r.decision in ('ACCEPT', 'REJECT')
                order by r.id desc limit :last""")
                .param("last", last)
                .query((rs, i) -> new Decision(rs.getString(1), rs.getString(2), rs.getString(3).equals("REJECT"), rs.getString(4)))
                .list();
        List<Rate> categories = rates(decisions, true);
        List<Rate> operators = rates(decisions, false);
        if (decisions.isEmpty()) {
            return new Advice(0, mix, mix, categories, operators, List.of(), List.of(),
                    "no curator decisions yet: the mix stays as it is");
        }
        long rejected = decisions.stream().filter(Decision::rejected).count();
        double overallAccept = 1 - (double) rejected / decisions.size();

        Map<Category, Double> proposed = new EnumMap<>(mix);
        List<String> lines = new ArrayList<>();
        for (Rate r : categories) {
            Category c = category(r.name());
            if (c == null || r.decided() < minDecisions || !mix.containsKey(c)) {
                continue;
            }
            double accept = 1 - r.rejectRate();
            // weight follows how much more or less often this category is accepted than the rest (bounded ×0.25…×2)
            double factor = overallAccept <= 0 ? 1 : Math.max(0.25, Math.min(2.0, accept / overallAccept));
            proposed.put(c, Math.max(MIN_WEIGHT, mix.get(c) * factor));
        }
        double sum = proposed.values().stream().mapToDouble(Double::doubleValue).sum();
        proposed.replaceAll((c, w) -> Math.round(w / sum * 100) / 100.0);
        for (Rate r : categories) {
            Category c = category(r.name());
            if (c == null || r.decided() < minDecisions) {
                continue;
            }
            double before = Math.round(mix.getOrDefault(c, 0.0) * 100) / 100.0;
            double after = proposed.getOrDefault(c, 0.0);
            lines.add(String.format(Locale.ROOT, "%s: %.0f%% of %d rejected%s: weight %.2f → %.2f",
                    label(r.name()), 100 * r.rejectRate(), r.decided(),
                    r.topReason() == null ? "" : " (mostly " + reasonLabel(r.topReason()) + ")", before, after));
        }
        List<String> guidance = new ArrayList<>();
        for (Rate r : operators) {
            if (r.decided() >= minDecisions && r.rejectRate() >= 0.4) {
                guidance.add(String.format(Locale.ROOT, "avoid %s: %.0f%% of %d rejected%s", r.name(), 100 * r.rejectRate(),
                        r.decided(), r.topReason() == null ? "" : " (mostly " + reasonLabel(r.topReason()) + ")"));
            }
        }
        String why = lines.isEmpty() ? "no category has " + minDecisions + " decisions yet among the last " + decisions.size()
                + ": the mix stays as it is" : null;
        return new Advice(decisions.size(), mix, lines.isEmpty() ? mix : proposed, categories, operators, lines, guidance, why);
    }

    private static List<Rate> rates(List<Decision> decisions, boolean byCategory) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Map<String, Long>> reasons = new LinkedHashMap<>();
        for (Decision d : decisions) {
            String key = byCategory ? d.category() : d.op();
            long[] c = counts.computeIfAbsent(key, k -> new long[2]);
            c[0]++;
            if (d.rejected()) {
                c[1]++;
                if (d.reason() != null) {
                    reasons.computeIfAbsent(key, k -> new LinkedHashMap<>()).merge(d.reason(), 1L, Long::sum);
                }
            }
        }
        List<Rate> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            var top = reasons.getOrDefault(k, Map.of()).entrySet().stream().max(Map.Entry.comparingByValue());
            out.add(new Rate(k, c[0], c[1], top.map(Map.Entry::getKey).orElse(null), top.map(Map.Entry::getValue).orElse(0L)));
        });
        out.sort((a, b) -> Double.compare(b.rejectRate(), a.rejectRate()));
        return out;
    }

    private static @Nullable Category category(String name) {
        try {
            return Category.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String label(String category) {
        return category.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String reasonLabel(String code) {
        return code.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private record Decision(String category, String op, boolean rejected, @Nullable String reason) {}
}
