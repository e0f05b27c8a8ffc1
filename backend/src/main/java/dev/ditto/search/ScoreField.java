package dev.ditto.search;

/** Every numeric score a search can filter by a range and summarise: judge, runner metrics, source probe. */
public enum ScoreField {
    JUDGE_OVERALL("judge_score"),
    JUDGE_SAFETY("judge.safety"),
    JUDGE_INSTRUCTION_FOLLOWING("judge.instruction_following"),
    JUDGE_PRESERVATION("judge.preservation"),
    JUDGE_VISUAL_QUALITY("judge.visual_quality"),
    JUDGE_TEMPORAL_CONSISTENCY("judge.temporal_consistency"),
    WARP_ERROR("metrics.warp_error"),
    EDGE_SSIM("metrics.edge_ssim"),
    EDIT_STRENGTH("metrics.edit_strength"),
    EDITED_BRISQUE("metrics.brisque"),
    SOURCE_MOTION("probe.motion"),
    SOURCE_BRISQUE("probe.brisque"),
    SOURCE_PEOPLE("probe.people"),
    SOURCE_FACES("probe.faces"),
    SOURCE_TEXT_OVERLAY("probe.text_overlay");

    private final String path;

    ScoreField(String path) {
        this.path = path;
    }

    /** The field in the index. */
    public String path() {
        return path;
    }
}
