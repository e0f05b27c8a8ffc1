package dev.ditto.runner.generate;

import java.util.List;

/**
 * What an {@code EditSpec} compiles to: the scene edit that is propagated through the clip, how it propagates, and
 * the screen-space effects laid over every frame afterwards.
 */
record EditPlan(String description, EditOperator operator, Propagation propagation, List<ScreenEffect> effects) {

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
}
