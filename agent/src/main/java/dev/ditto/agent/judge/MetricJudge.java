package dev.ditto.agent.judge;

import static dev.ditto.agent.judge.EditExpectations.fmt;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in judge: scores from the runner's metrics ({@code warp_error}, {@code edge_ssim},
 * {@code edit_strength}, {@code brisque}) and simple statistics of the key frames, safety from a keyword blocklist.
 */
public final class MetricJudge implements Judge {

    /** Engine label recorded on every verdict. */
    public static final String ENGINE = "builtin-metric-judge";
    /** Model label recorded on every verdict. */
    public static final String MODEL = "metric-rules-v1";
    /** Rule-set version recorded on every verdict. */
    public static final String PROMPT_VERSION = "metric-judge-2026.1";

    private final JudgeThresholds thresholds;
    private final SafetyBlocklist blocklist;

    public MetricJudge(JudgeThresholds thresholds, SafetyBlocklist blocklist) {
        this.thresholds = thresholds;
        this.blocklist = blocklist;
    }

    /** Default thresholds and blocklist. */
    public MetricJudge() {
        this(JudgeThresholds.defaults(), SafetyBlocklist.defaults());
    }

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public Verdict judge(JudgeInput input) {
        Optional<ImageStats> before = ImageStats.decode(input.sourceKeyFrame());
        Optional<ImageStats> after = ImageStats.decode(input.editedKeyFrame());
        Map<Criterion, Score> scores = new EnumMap<>(Criterion.class);
        scores.put(Criterion.SAFETY, safety(input));
        scores.put(Criterion.INSTRUCTION_FOLLOWING, instructionFollowing(input, before, after));
        scores.put(Criterion.PRESERVATION, preservation(input, before, after));
        scores.put(Criterion.VISUAL_QUALITY, visualQuality(input, after));
        scores.put(Criterion.TEMPORAL_CONSISTENCY, temporalConsistency(input));
        return thresholds.decide(scores, ENGINE, MODEL, PROMPT_VERSION);
    }

    private Score safety(JudgeInput input) {
        Optional<String> hit = blocklist.firstMatch(input.instruction()).or(() -> blocklist.firstMatch(input.edit().prompt()));
        return hit.map(term -> new Score(0, "instruction contains blocked term '" + term + "'"))
                .orElseGet(() -> new Score(1, "no blocked terms in the instruction"));
    }

    private static Score instructionFollowing(JudgeInput input, Optional<ImageStats> before, Optional<ImageStats> after) {
        String op = input.edit().op();
        Double strength = metric(input, "edit_strength");
        Score fromMetric = null;
        if (strength != null) {
            double s = strength > 1 ? strength / 255.0 : strength; // runners may report 0..255
            double expected = EditExpectations.expectedStrength(op);
            fromMetric = Score.clamped(s / expected, fmt("edit_strength %.3f (expect >= %.3f for %s)", s, expected, op));
        }
        Score fromImages = before.isPresent() && after.isPresent()
                ? EditExpectations.imageEvidence(input.edit(), before.get(), after.get())
                : null;
        if (fromMetric != null && fromImages != null) {
            return Score.clamped((fromMetric.value() + fromImages.value()) / 2, fromMetric.reason() + "; " + fromImages.reason());
        }
        if (fromMetric != null) {
            return fromMetric;
        }
        if (fromImages != null) {
            return fromImages;
        }
        return new Score(0, "no edit_strength metric and key frames could not be decoded: nothing shows the edit happened");
    }

    private static Score preservation(JudgeInput input, Optional<ImageStats> before, Optional<ImageStats> after) {
        double[] band = EditExpectations.edgeBand(input.edit().op());
        Double edgeSsim = metric(input, "edge_ssim");
        String source = "edge_ssim";
        double value;
        if (edgeSsim != null) {
            value = edgeSsim;
        } else if (before.isPresent() && after.isPresent()) {
            value = ImageStats.edgeCorrelation(before.get(), after.get());
            source = "key-frame edge correlation";
        } else {
            return new Score(0.5, "no edge_ssim metric and no decodable key frames: preservation unknown");
        }
        return Score.clamped((value - band[0]) / (band[1] - band[0]),
                fmt("%s %.3f (floor %.2f, good from %.2f for %s)", source, value, band[0], band[1], input.edit().op()));
    }

    private static Score visualQuality(JudgeInput input, Optional<ImageStats> after) {
        if (after.isEmpty()) {
            return new Score(0, "edited key frame could not be decoded as an image");
        }
        ImageStats a = after.get();
        if (a.lumaStd < 0.015) {
            return Score.clamped(a.lumaStd / 0.015 * 0.2, fmt("edited key frame is nearly flat (luma std %.4f)", a.lumaStd));
        }
        if (a.clipped > 0.6) {
            return Score.clamped(0.2, fmt("%.0f%% of the edited key frame is clipped to black or white", a.clipped * 100));
        }
        Double brisque = metric(input, "brisque");
        if (brisque == null) {
            return new Score(0.7, "no brisque metric; edited key frame decodes and has normal contrast");
        }
        Double sourceBrisque = metric(input, "source_brisque");
        if (sourceBrisque != null) {
            // quality relative to the source: an edit is not blamed for a source that was poor to begin with
            double worse = brisque - sourceBrisque;
            return Score.clamped(1 - Math.max(0, worse) / 30,
                    fmt("brisque %.1f vs source %.1f (1.0 when no worse, 0.0 when 30 worse)", brisque, sourceBrisque));
        }
        return Score.clamped((70 - brisque) / 50, fmt("brisque %.1f (1.0 at <= 20, 0.0 at >= 70)", brisque));
    }

    private static Score temporalConsistency(JudgeInput input) {
        Double warp = metric(input, "warp_error");
        if (warp == null) {
            return new Score(0.5, "runner reported no warp_error: temporal consistency unknown");
        }
        return Score.clamped((2.5 - warp) / 1.5,
                fmt("warp_error %.2f relative to the source (1.0 at <= 1.0, 0.0 at >= 2.5)", warp));
    }

    private static Double metric(JudgeInput input, String name) {
        Double v = input.metrics().get(name);
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }
}
