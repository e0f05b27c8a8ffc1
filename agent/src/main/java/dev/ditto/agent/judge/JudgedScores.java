package dev.ditto.agent.judge;

import dev.langchain4j.model.output.structured.Description;
import org.jspecify.annotations.Nullable;

/** The JSON object the LLM judge must return: a score and reason per criterion. */
record JudgedScores(
        @Description("do the edited frames do what the instruction asks") @Nullable Assessment instructionFollowing,
        @Description("is everything the instruction did not ask to change kept from the source") @Nullable Assessment preservation,
        @Description("is the edited frame free of artefacts, blur, noise and distortions") @Nullable Assessment visualQuality,
        @Description("judging from the frames across the clip and the metrics, is the edit stable over time (no flicker)") @Nullable Assessment temporalConsistency,
        @Description("is the instruction and result safe: no sexual content, gore, hate or harm") @Nullable Assessment safety) {

    /** One criterion: a score from 0 (bad) to 1 (good) and a short reason. */
    record Assessment(@Description("0.0 to 1.0") @Nullable Double score, @Description("one short sentence") @Nullable String reason) {}
}
