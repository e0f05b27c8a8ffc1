package dev.ditto.agent.writer;

import dev.langchain4j.model.output.structured.Description;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON object the LLM writer must return: a list of proposed instructions. */
record ProposedBatch(@Description("the proposed instructions") @Nullable List<ProposedInstruction> instructions) {

    /** One proposal: category, text, operator and the operator's parameters (others left null). */
    record ProposedInstruction(
            @Description("one of: global_style, global_freeform, local_attribute, local_add, local_remove, local_replace, background") @Nullable String category,
            @Description("the edit instruction as one imperative English sentence") @Nullable String instruction,
            @Description("the operator, one of the allowed ops for the category") @Nullable String op,
            @Description("for ops style, person_stylize, background_replace: a style name") @Nullable String style,
            @Description("for ops grade, background_replace: a grade name") @Nullable String grade,
            @Description("for background_replace: #rrggbb backdrop colour; for add_sign, add_sticker: #rrggbb fill") @Nullable String colour,
            @Description("for style, grade, person_recolour: 0..1") @Nullable Double strength,
            @Description("for person_recolour: hue in degrees 0..360") @Nullable Double hue,
            @Description("for background_blur: radius in pixels 1..64") @Nullable Double radius,
            @Description("for add_snowfall, add_rain: 0..1") @Nullable Double density,
            @Description("for object_recolour, object_stylize, object_remove: the object class, one of the video's objects") @Nullable String object,
            @Description("for add_sign: the sign's text, at most 24 characters") @Nullable String text,
            @Description("for add_sticker: smiley, star or heart") @Nullable String shape) {}
}
