package dev.ditto.agent.bench;

import dev.ditto.agent.judge.Calibration;
import dev.ditto.agent.judge.Criterion;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.JudgeThresholds;
import dev.ditto.agent.judge.LabelledSet;
import dev.ditto.agent.judge.MetricJudge;
import dev.ditto.agent.judge.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metric judge held to the labelled set: verdicts per second, and agreement and Cohen's kappa with the labels
 * under the default thresholds and under thresholds {@link Calibration} proposes, the latter held out (2-fold: each
 * half is decided under thresholds calibrated on the other half; the pooled decisions are compared with the labels)
 * and in-sample (calibrated and measured on the whole set, optimistic).
 *
 * <p>Run alone: {@code java -cp <agent test classpath> dev.ditto.agent.bench.JudgeBench [labelled-set dir] [-v]}.
 */
public final class JudgeBench {

    private JudgeBench() {}

    /** The figures, as the benchmark writes them. */
    public static Map<String, Object> run(Path dir, boolean verbose) {
        return run(dir, verbose, true);
    }

    /** The figures; {@code timed} false skips the throughput measurement (for tests). */
    public static Map<String, Object> run(Path dir, boolean verbose, boolean timed) {
        List<LabelledSet.Sample> samples = LabelledSet.load(dir);
        Judge judge = new MetricJudge();
        JudgeThresholds defaults = JudgeThresholds.defaults();
        List<Calibration.Item> items = new ArrayList<>();
        for (LabelledSet.Sample s : samples) {
            Verdict v = judge.judge(s.input());
            Map<Criterion, Double> scores = new EnumMap<>(Criterion.class);
            v.scores().forEach((c, sc) -> scores.put(c, sc.value()));
            items.add(new Calibration.Item(s.id(), s.category(), scores, s.accept()));
            if (verbose) {
                System.out.printf(Locale.ROOT, "%-34s label=%-6s judge=%-6s overall=%.2f %s%n", s.id(), s.accept() ? "accept" : "reject",
                        v.accepted() ? "accept" : "reject", v.overall(), v.accepted() ? "" : v.reason());
                if (v.accepted() != s.accept()) {
                    v.scores().forEach((c, sc) -> System.out.printf(Locale.ROOT, "      %s %.2f %s%n", c.wireName(), sc.value(), sc.reason()));
                }
            }
        }
        Calibration.Agreement before = Calibration.agreement(items, defaults);
        // the same judge given only the key frames (as from a runner that sends no strips): what the frames add
        List<Calibration.Item> keyOnly = new ArrayList<>();
        for (LabelledSet.Sample s : samples) {
            JudgeInput in = s.input();
            Verdict v = judge.judge(new JudgeInput(in.sampleId(), in.instruction(), in.edit(), in.sourceKeyFrame(),
                    in.editedKeyFrame(), in.metrics()));
            Map<Criterion, Double> scores = new EnumMap<>(Criterion.class);
            v.scores().forEach((c, sc) -> scores.put(c, sc.value()));
            keyOnly.add(new Calibration.Item(s.id(), s.category(), scores, s.accept()));
        }
        Calibration.Agreement keyFramesOnly = Calibration.agreement(keyOnly, defaults);

        // 2-fold held-out: stratified by label, alternating within each class, in the set's order
        List<Calibration.Item> foldA = new ArrayList<>();
        List<Calibration.Item> foldB = new ArrayList<>();
        int acc = 0;
        int rej = 0;
        for (Calibration.Item i : items) {
            boolean toA = i.curatorAccepts() ? acc++ % 2 == 0 : rej++ % 2 == 0;
            (toA ? foldA : foldB).add(i);
        }
        JudgeThresholds fromA = proposed(foldA, defaults);
        JudgeThresholds fromB = proposed(foldB, defaults);
        List<boolean[]> heldOut = new ArrayList<>(); // {judge, label}
        for (Calibration.Item i : foldB) {
            heldOut.add(new boolean[] {Calibration.passes(i, fromA), i.curatorAccepts()});
        }
        for (Calibration.Item i : foldA) {
            heldOut.add(new boolean[] {Calibration.passes(i, fromB), i.curatorAccepts()});
        }
        double[] held = agreement(heldOut);
        JudgeThresholds all = proposed(items, defaults);
        Calibration.Agreement inSample = Calibration.agreement(items, all);

        long start;
        int verdicts = 0;
        for (int round = 0; round < (timed ? 2 : 0); round++) { // warm-up
            for (LabelledSet.Sample s : samples) {
                judge.judge(s.input());
            }
        }
        start = System.nanoTime();
        while (timed && System.nanoTime() - start < 3_000_000_000L) {
            for (LabelledSet.Sample s : samples) {
                judge.judge(s.input());
                verdicts++;
            }
        }
        double perSecond = verdicts / ((System.nanoTime() - start) / 1e9);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("judge_engine", MetricJudge.ENGINE + "/" + MetricJudge.MODEL + " " + MetricJudge.PROMPT_VERSION);
        out.put("judge_verdicts_per_second", timed ? round(perSecond) : null);
        out.put("judge_frames_per_verdict", samples.isEmpty() ? 0 : samples.getFirst().input().frames().size());
        out.put("judge_labelled_samples", items.size());
        out.put("judge_labelled_accepts", items.stream().filter(Calibration.Item::curatorAccepts).count());
        out.put("judge_kappa_before_calibration", round(before.kappa()));
        out.put("judge_agreement_before_calibration", round(before.agreement()));
        out.put("judge_kappa_key_frames_only", round(keyFramesOnly.kappa()));
        out.put("judge_agreement_key_frames_only", round(keyFramesOnly.agreement()));
        out.put("judge_kappa_after_calibration", round(held[1]));
        out.put("judge_agreement_after_calibration", round(held[0]));
        out.put("judge_kappa_after_calibration_in_sample", round(inSample.kappa()));
        out.put("judge_agreement_after_calibration_in_sample", round(inSample.agreement()));
        out.put("judge_thresholds_default", defaults.minimumsText() + "; overall=" + defaults.overallMinimum());
        out.put("judge_thresholds_calibrated_on_all", all.minimumsText() + "; overall=" + all.overallMinimum());
        return out;
    }

    private static JudgeThresholds proposed(List<Calibration.Item> items, JudgeThresholds start) {
        Calibration.Report r = Calibration.of(items, start, 0.9);
        return r.proposed() == null ? start : r.proposed();
    }

    /** {agreement, kappa} of pooled (judge, label) decisions. */
    static double[] agreement(List<boolean[]> decisions) {
        int n = decisions.size();
        int agree = 0;
        int judgeYes = 0;
        int labelYes = 0;
        for (boolean[] d : decisions) {
            agree += d[0] == d[1] ? 1 : 0;
            judgeYes += d[0] ? 1 : 0;
            labelYes += d[1] ? 1 : 0;
        }
        double po = (double) agree / n;
        double pj = (double) judgeYes / n;
        double pl = (double) labelYes / n;
        double pe = pj * pl + (1 - pj) * (1 - pl);
        return new double[] {po, pe >= 1 - 1e-12 ? Double.NaN : (po - pe) / (1 - pe)};
    }

    private static Double round(Double v) {
        return v == null || v.isNaN() ? null : Math.round(v * 1000) / 1000.0;
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 && !args[0].equals("-v") ? Path.of(args[0])
                : LabelledSet.locate().orElseThrow(() -> new IllegalStateException("labelled set not found"));
        boolean verbose = List.of(args).contains("-v");
        run(dir, verbose).forEach((k, v) -> System.out.println(k + ": " + v));
    }
}
