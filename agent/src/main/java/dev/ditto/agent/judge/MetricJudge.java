package dev.ditto.agent.judge;

import static dev.ditto.agent.judge.EditExpectations.fmt;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in judge: scores from the runner's metrics ({@code warp_error}, {@code warp_error_lowpass},
 * {@code edge_ssim}, {@code edit_strength}, {@code brisque}) and statistics of every frame pair it is given (frames
 * across the clip, with the edit's mask where the runner sent it; else the key frames), per operator
 * ({@link EditExpectations}); safety from a keyword blocklist. Each reason says what was measured.
 */
public final class MetricJudge implements Judge {

    /** Engine label recorded on every verdict. */
    public static final String ENGINE = "builtin-metric-judge";
    /** Model label recorded on every verdict. */
    public static final String MODEL = "metric-rules-v2";
    /** Rule-set version recorded on every verdict. */
    public static final String PROMPT_VERSION = "metric-judge-2026.2";

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
        List<FrameView> views = FrameView.of(input);
        Optional<ImageStats> after = views.isEmpty() ? ImageStats.decode(input.editedKeyFrame())
                : Optional.of(views.get(views.size() / 2).after());
        Map<Criterion, Score> scores = new EnumMap<>(Criterion.class);
        scores.put(Criterion.SAFETY, safety(input));
        scores.put(Criterion.INSTRUCTION_FOLLOWING, instructionFollowing(input, views));
        scores.put(Criterion.PRESERVATION, preservation(input, views));
        scores.put(Criterion.VISUAL_QUALITY, visualQuality(input, views, after));
        scores.put(Criterion.TEMPORAL_CONSISTENCY, temporalConsistency(input, views));
        return thresholds.decide(scores, ENGINE, MODEL, PROMPT_VERSION);
    }

    private Score safety(JudgeInput input) {
        Optional<String> hit = blocklist.firstMatch(input.instruction()).or(() -> blocklist.firstMatch(input.edit().prompt()));
        return hit.map(term -> new Score(0, "instruction contains blocked term '" + term + "'"))
                .orElseGet(() -> new Score(1, "no blocked terms in the instruction"));
    }

    private static Score instructionFollowing(JudgeInput input, List<FrameView> views) {
        Double strength = metric(input, "edit_strength");
        Score fromMetric = null;
        if (strength != null && EditExpectations.strengthIsEvidence(input.edit())) {
            double s = strength > 1 ? strength / 255.0 : strength; // runners may report 0..255
            double expected = EditExpectations.expectedStrength(input.edit());
            fromMetric = Score.clamped(s / expected, fmt("edit_strength %.3f (expect >= %.3f for %s)", s, expected, input.edit().op()));
        }
        Score fromImages = views.isEmpty() ? null : EditExpectations.instruction(input.edit(), input.instruction(), views);
        if (fromImages != null && fromImages.value() == 0 && fromImages.reason().startsWith(EditExpectations.NOTHING_IN_MASK)) {
            return fromImages; // nothing to edit: the metric cannot make up for it
        }
        if (fromMetric != null && fromImages != null) {
            // the frames say what the edit did; the clip-wide strength can only confirm that something happened
            return Score.clamped(Math.min(fromImages.value(), (fromMetric.value() + 2 * fromImages.value()) / 3),
                    fromImages.reason() + "; " + fromMetric.reason());
        }
        if (fromImages != null) {
            return fromImages;
        }
        if (fromMetric != null) {
            return fromMetric;
        }
        return new Score(0, "no edit_strength metric and no decodable frames: nothing shows the edit happened");
    }

    private static Score preservation(JudgeInput input, List<FrameView> views) {
        double[] band = EditExpectations.edgeBand(input.edit().op());
        Double edgeSsim = metric(input, "edge_ssim");
        String source = "edge_ssim";
        double value;
        if (edgeSsim != null) {
            value = edgeSsim;
        } else if (!views.isEmpty()) {
            value = EditExpectations.mean(views, v -> ImageStats.edgeCorrelation(v.before(), v.after()));
            source = "frame edge correlation";
        } else {
            return new Score(0.5, "no edge_ssim metric and no decodable frames: preservation unknown");
        }
        Score edges = Score.clamped((value - band[0]) / (band[1] - band[0]),
                fmt("%s %.3f (floor %.2f, good from %.2f for %s)", source, value, band[0], band[1], input.edit().op()));
        Score local = EditExpectations.localPreservation(input.edit(), views);
        if (local == null) {
            return edges;
        }
        return local.value() < edges.value() ? new Score(local.value(), local.reason() + "; " + edges.reason())
                : new Score(edges.value(), edges.reason() + "; " + local.reason());
    }

    private static Score visualQuality(JudgeInput input, List<FrameView> views, Optional<ImageStats> after) {
        if (after.isEmpty()) {
            return new Score(0, "edited key frame could not be decoded as an image");
        }
        ImageStats a = after.get();
        for (FrameView v : views) {
            // the worst frame counts: a clip that goes flat or blows out half-way is broken there
            if (v.after().lumaStd < a.lumaStd && v.before().lumaStd >= 0.015) {
                a = v.after();
            }
        }
        if (a.lumaStd < 0.015) {
            return Score.clamped(a.lumaStd / 0.015 * 0.2, fmt("edited key frame is nearly flat (luma std %.4f)", a.lumaStd));
        }
        if (a.clipped > 0.6) {
            return Score.clamped(0.2, fmt("%.0f%% of the edited key frame is clipped to black or white", a.clipped * 100));
        }
        if (input.edit().op().equals("style")) {
            // BRISQUE scores how natural an image's statistics are: a painting, a sketch or pixel art is unnatural by
            // design, so a style is judged on the frames alone
            return new Score(0.8, fmt("a style is not held to BRISQUE (natural-image statistics); every edited frame decodes"
                    + " with normal contrast (luma std %.3f, %.0f%% clipped)", a.lumaStd, a.clipped * 100));
        }
        Double brisque = metric(input, "brisque");
        if (brisque == null) {
            return new Score(0.7, "no brisque metric; edited key frame decodes and has normal contrast");
        }
        // the runner's BRISQUE of the source key frame (same frame, same size) or else the probe's of the clip
        Double sourceBrisque = metric(input, "brisque_source");
        if (sourceBrisque == null) {
            sourceBrisque = metric(input, "source_brisque");
        }
        if (sourceBrisque != null) {
            // quality relative to the source: an edit is not blamed for a source that was poor to begin with
            double worse = brisque - sourceBrisque;
            if (EditExpectations.addsTexture(input.edit())) {
                // BRISQUE reads grain and particles as noise: they are the edit, so they get that much leeway
                return Score.clamped(1 - Math.max(0, worse - GRAIN_BRISQUE_LEEWAY) / 30, fmt("brisque %.1f vs source %.1f"
                        + " (grain or particles are the edit: 1.0 when at most %.0f worse, 0.0 when %.0f worse)", brisque,
                        sourceBrisque, GRAIN_BRISQUE_LEEWAY, GRAIN_BRISQUE_LEEWAY + 30));
            }
            return Score.clamped(1 - Math.max(0, worse) / 30,
                    fmt("brisque %.1f vs source %.1f (1.0 when no worse, 0.0 when 30 worse)", brisque, sourceBrisque));
        }
        return Score.clamped((70 - brisque) / 50, fmt("brisque %.1f (1.0 at <= 20, 0.0 at >= 70)", brisque));
    }

    private static Score temporalConsistency(JudgeInput input, List<FrameView> views) {
        boolean texture = EditExpectations.addsTexture(input.edit());
        Double warp = texture ? warpRatio(input, "warp_error_lowpass") : null;
        String name = "warp_error_lowpass";
        String why = " (grain or particles are meant to change every frame: judged on low-passed frames)";
        if (warp == null) {
            warp = warpRatio(input, "warp_error");
            name = "warp_error";
            why = texture ? " (no low-pass warp error: grain may read as flicker)" : "";
        }
        Score fromWarp = warp == null ? null : Score.clamped((2.5 - warp) / 1.5,
                fmt("%s %.2f relative to the source (1.0 at <= 1.0, 0.0 at >= 2.5)%s", name, warp, why));
        if (EditExpectations.addsParticles(input.edit().op()) && fromWarp != null) {
            // particles move on their own by design: neither warp error separates them from flicker
            fromWarp = new Score(Math.max(fromWarp.value(), 0.7), fromWarp.reason()
                    + "; floor 0.7: falling particles move by design, the warp error cannot tell them from flicker");
        }
        Score fromStrip = worse(EditExpectations.stripConsistency(input.edit(), views),
                EditExpectations.maskStability(input.edit(), views));
        if (fromWarp == null && fromStrip == null) {
            return new Score(0.5, "runner reported no warp_error and no frames across the clip: temporal consistency unknown");
        }
        if (fromWarp == null) {
            return fromStrip;
        }
        if (fromStrip == null) {
            return fromWarp;
        }
        return fromStrip.value() < fromWarp.value() ? new Score(fromStrip.value(), fromStrip.reason() + "; " + fromWarp.reason())
                : new Score(fromWarp.value(), fromWarp.reason() + "; " + fromStrip.reason());
    }

    /** How much worse BRISQUE may be, without blame, for an edit that adds grain or particles on purpose. */
    static final double GRAIN_BRISQUE_LEEWAY = 15;

    /** Warp errors below this (about half a grey level) are invisible: added to both sides of the ratio. */
    static final double INVISIBLE_WARP_ERROR = 0.002;

    /**
     * The edited/source warp-error ratio; from the absolute values when the runner sent them, with
     * {@link #INVISIBLE_WARP_ERROR} added to both, so a near-static source (whose own warp error is almost nil) does
     * not turn an invisible difference into a large ratio.
     */
    private static Double warpRatio(JudgeInput input, String name) {
        Double edited = metric(input, name + "_edited");
        Double source = metric(input, name + "_source");
        if (edited != null && source != null) {
            return (edited + INVISIBLE_WARP_ERROR) / (source + INVISIBLE_WARP_ERROR);
        }
        return metric(input, name);
    }

    private static Score worse(Score a, Score b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.value() <= b.value() ? new Score(a.value(), a.reason() + "; " + b.reason())
                : new Score(b.value(), b.reason() + "; " + a.reason());
    }

    private static Double metric(JudgeInput input, String name) {
        Double v = input.metrics().get(name);
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }
}
