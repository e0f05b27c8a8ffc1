package dev.ditto.agent.judge;

import static dev.ditto.agent.Fixtures.keyFrame;
import static dev.ditto.agent.Fixtures.sourceFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.protocol.EditSpec;
import java.awt.Color;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricJudgeTest {

    private static final Map<String, Double> GOOD_METRICS = Map.of(
            "warp_error", 1.05, "edge_ssim", 0.9, "edit_strength", 0.12, "brisque", 22.0);

    private final MetricJudge judge = new MetricJudge();

    @Test
    void acceptsANightGradeThatDarkensTheFrame() {
        Verdict verdict = judge.judge(night("Make the street look like it was filmed at night.", GOOD_METRICS,
                keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(verdict.decision()).isEqualTo(Decision.ACCEPT_TO_QUEUE);
        assertThat(verdict.reason()).isNull();
        assertThat(verdict.score(Criterion.INSTRUCTION_FOLLOWING).value()).isGreaterThan(0.8);
        assertThat(verdict.engine()).isEqualTo("builtin-metric-judge");
        assertThat(verdict.scores()).containsOnlyKeys(Criterion.values());
    }

    @Test
    void rejectsHighWarpErrorAsTemporalInconsistency() {
        Verdict verdict = judge.judge(night("Make it night.", with("warp_error", 3.0), keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).startsWith("temporal_consistency").contains("warp_error 3.00");
    }

    @Test
    void rejectsBlockedWordsAsUnsafeBeforeAnythingElse() {
        Verdict verdict = judge.judge(night("Cover the street in blood at night.", with("warp_error", 3.0),
                keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).startsWith("safety").contains("'blood'");
    }

    @Test
    void rejectsAGradeWhoseColourShiftContradictsTheInstruction() {
        JudgeInput input = new JudgeInput("sample-9", "Bathe the street in warm sunset light.",
                new EditSpec("grade", Map.of("grade", "sunset", "strength", 0.9), 1, "x"),
                sourceFrame(), keyFrame(c -> scale(c, 0.7, 0.9, 1.3)), with("edit_strength", 0.0));

        Verdict verdict = judge.judge(input);

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).startsWith("instruction_following").contains("warmth");
    }

    @Test
    void rejectsPoorBrisqueAsVisualQuality() {
        Verdict verdict = judge.judge(night("Make it night.", with("brisque", 85.0), keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).startsWith("visual_quality").contains("brisque 85.0");
    }

    @Test
    void judgesQualityRelativeToAPoorSource() {
        Map<String, Double> metrics = with("brisque", 66.0);
        metrics.put("source_brisque", 64.0);

        Verdict asGoodAsItsSource = judge.judge(night("Make it night.", metrics, keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));
        metrics.put("brisque", 95.0);
        Verdict muchWorse = judge.judge(night("Make it night.", metrics, keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(asGoodAsItsSource.score(Criterion.VISUAL_QUALITY).value()).isGreaterThan(0.9);
        assertThat(muchWorse.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(muchWorse.reason()).startsWith("visual_quality").contains("vs source 64.0");
    }

    @Test
    void rejectsAnEditedFrameThatIsNotAnImage() {
        Verdict verdict = judge.judge(night("Make it night.", GOOD_METRICS, new byte[] {1, 2, 3}));

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).contains("could not be decoded");
    }

    @Test
    void lowEdgeSsimFailsPreservationForALocalEdit() {
        JudgeInput input = new JudgeInput("sample-3", "Blur the background behind the woman.",
                new EditSpec("background_blur", Map.of("radius", 12), 1, "x"),
                sourceFrame(), keyFrame(c -> c), with("edge_ssim", 0.2));

        Verdict verdict = judge.judge(input);

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.score(Criterion.PRESERVATION).value()).isZero();
    }

    @Test
    void storedScoresCanBeDecidedAgainUnderNewThresholds() {
        Verdict strict = new MetricJudge(JudgeThresholds.defaults().withMinimum(Criterion.TEMPORAL_CONSISTENCY, 0.9),
                SafetyBlocklist.defaults()).judge(night("Make it night.", with("warp_error", 1.5), keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));
        assertThat(strict.decision()).isEqualTo(Decision.AUTO_REJECT);

        Verdict lenient = JudgeThresholds.defaults().redecide(strict);

        assertThat(lenient.decision()).isEqualTo(Decision.ACCEPT_TO_QUEUE);
        assertThat(lenient.scores()).isEqualTo(strict.scores());
    }

    @Test
    void overallBelowMinimumRejectsEvenWhenEachCriterionPasses() {
        Verdict verdict = new MetricJudge(JudgeThresholds.defaults().withOverallMinimum(0.99), SafetyBlocklist.defaults())
                .judge(night("Make it night.", GOOD_METRICS, keyFrame(c -> scale(c, 0.45, 0.5, 0.7))));

        assertThat(verdict.decision()).isEqualTo(Decision.AUTO_REJECT);
        assertThat(verdict.reason()).startsWith("overall");
    }

    private static JudgeInput night(String instruction, Map<String, Double> metrics, byte[] edited) {
        return new JudgeInput("sample-1", instruction, new EditSpec("grade", Map.of("grade", "night", "strength", 0.9), 1, instruction),
                sourceFrame(), edited, metrics);
    }

    private static Map<String, Double> with(String key, double value) {
        Map<String, Double> m = new HashMap<>(GOOD_METRICS);
        m.put(key, value);
        return m;
    }

    private static Color scale(Color c, double r, double g, double b) {
        return new Color(clamp(c.getRed() * r), clamp(c.getGreen() * g), clamp(c.getBlue() * b));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
