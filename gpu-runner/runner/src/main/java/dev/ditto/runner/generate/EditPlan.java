package dev.ditto.runner.generate;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an {@code EditSpec} compiles to: the scene edit that is propagated through the clip, how it propagates, and
 * the screen-space effects laid over every frame afterwards. {@code maskObject}: the detector class whose mask the
 * operator gets instead of the person mask (object ops), else null.
 */
record EditPlan(String description, EditOperator operator, Propagation propagation, List<ScreenEffect> effects,
                @Nullable String maskObject) {

    /** How the key-frame edit travels through the clip. */
    enum Propagation {
        /** Warp the edited key frame along the scene's flow; re-edit newly visible pixels. */
        SCENE_FLOW,
        /** Person removal: outside the person, the source; inside, background carried along background motion. */
        BACKGROUND_FILL
    }

    EditPlan {
        effects = List.copyOf(effects);
    }

    /** A plan whose mask (if any) is the person mask. */
    EditPlan(String description, EditOperator operator, Propagation propagation, List<ScreenEffect> effects) {
        this(description, operator, propagation, effects, null);
    }
}
