package dev.ditto.agent.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    /** Curators accept when the edit follows the instruction (score ≥ 0.6), whatever the rest; one in ten they differ. */
    private static List<Calibration.Item> curatorsCareAboutInstructionFollowing(long seed) {
        Random r = new Random(seed);
        List<Calibration.Item> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Map<Criterion, Double> s = new EnumMap<>(Criterion.class);
            for (Criterion c : Criterion.values()) {
                s.put(c, c == Criterion.SAFETY ? 1.0 : 0.3 + 0.7 * r.nextDouble());
            }
            double follow = r.nextDouble();
            s.put(Criterion.INSTRUCTION_FOLLOWING, follow);
            boolean accept = follow >= 0.6 ^ r.nextInt(10) == 0;
            items.add(new Calibration.Item("s" + i, i % 2 == 0 ? "GLOBAL_STYLE" : "LOCAL_ADD", s, accept));
        }
        return items;
    }

    @Test
    void theProposalRaisesTheCriterionCuratorsCareAboutAndAgreesBetter() {
        List<Calibration.Item> items = curatorsCareAboutInstructionFollowing(11);
        Calibration.Report report = Calibration.of(items, JudgeThresholds.defaults(), 0.9);

        assertThat(report.why()).isNull();
        assertThat(report.proposed()).isNotNull();
        assertThat(report.proposed().minimums().get(Criterion.INSTRUCTION_FOLLOWING)).isBetween(0.5, 0.7);
        assertThat(report.proposedAgreement().kappa()).isGreaterThan(report.current().kappa() + 0.3);
        assertThat(report.proposedAgreement().kappa()).isGreaterThan(0.6);
        assertThat(report.proposedByCategory()).containsOnlyKeys("GLOBAL_STYLE", "LOCAL_ADD");
        assertThat(report.curves()).extracting(Calibration.Curve::name).contains("overall", "instruction_following");
        Calibration.Curve follow = report.curves().stream().filter(c -> c.name().equals("instruction_following")).findFirst().orElseThrow();
        assertThat(follow.points()).hasSize(21);
        for (int i = 1; i < follow.points().size(); i++) {
            assertThat(follow.points().get(i).passed()).as("a stricter minimum lets fewer through")
                    .isLessThanOrEqualTo(follow.points().get(i - 1).passed());
        }
        assertThat(report.proposed().minimums().get(Criterion.SAFETY)).as("safety is not traded").isEqualTo(0.5);
    }

    @Test
    void theTargetPrecisionProposalLetsThroughOnlyWhatCuratorsMostlyAccept() {
        List<Calibration.Item> items = curatorsCareAboutInstructionFollowing(5);
        Calibration.Report report = Calibration.of(items, JudgeThresholds.defaults().withMinimum(Criterion.INSTRUCTION_FOLLOWING, 0.0), 0.8);
        assertThat(report.forTargetPrecision()).isNotNull();
        long passed = items.stream().filter(i -> Calibration.passes(i, report.forTargetPrecision())).count();
        long good = items.stream().filter(i -> Calibration.passes(i, report.forTargetPrecision()) && i.curatorAccepts()).count();
        assertThat((double) good / passed).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void passingMatchesTheJudgesOwnDecision() {
        Random r = new Random(3);
        JudgeThresholds t = JudgeThresholds.defaults().withMinimums("preservation=0.5; visual_quality=0.4").withOverallMinimum(0.55);
        for (int i = 0; i < 500; i++) {
            Map<Criterion, Double> s = new EnumMap<>(Criterion.class);
            Map<Criterion, Score> scores = new EnumMap<>(Criterion.class);
            for (Criterion c : Criterion.values()) {
                double v = r.nextDouble();
                s.put(c, v);
                scores.put(c, new Score(v, ""));
            }
            boolean judge = t.decide(scores, "e", "m", "v").accepted();
            assertThat(Calibration.passes(new Calibration.Item("x", "C", s, true), t)).isEqualTo(judge);
        }
    }

    @Test
    void tooFewOrOneSidedDecisionsGiveNoProposalAndSayWhy() {
        List<Calibration.Item> all = curatorsCareAboutInstructionFollowing(1);
        assertThat(Calibration.of(all.subList(0, 5), JudgeThresholds.defaults(), 0.9).why()).contains("at least 10");
        List<Calibration.Item> onlyAccepted = all.stream().filter(Calibration.Item::curatorAccepts).toList();
        Calibration.Report r = Calibration.of(onlyAccepted, JudgeThresholds.defaults(), 0.9);
        assertThat(r.proposed()).isNull();
        assertThat(r.why()).contains("accepted every one");
    }

    @Test
    void criterionMinimumsAreReadFromTextWithWhatToFix() {
        assertThat(JudgeThresholds.parseMinimums("preservation=0.3; instruction_following = 0.5\n"))
                .containsEntry(Criterion.PRESERVATION, 0.3).containsEntry(Criterion.INSTRUCTION_FOLLOWING, 0.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JudgeThresholds.parseMinimums("beauty=0.3"))
                .hasMessageContaining("'beauty' is not a criterion");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JudgeThresholds.parseMinimums("safety=2"))
                .hasMessageContaining("between 0 and 1");
    }
}
