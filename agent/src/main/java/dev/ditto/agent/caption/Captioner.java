package dev.ditto.agent.caption;

/** Writes one dense caption for a source. Implementations are thread-safe and hold no database transaction. */
public interface Captioner {

    /**
     * The caption of one source.
     *
     * @throws CaptionRefusedException the model answered, but with something that must not become a caption
     *                                 (empty, garbage, a refusal, or instruction-like text)
     * @throws dev.ditto.agent.AgentException the model could not be reached or timed out within the retry budget
     */
    Caption caption(CaptionInput input);

    /** The engine label recorded with its captions. */
    String engine();

    /** Whether it needs key frames (the worker only reads them from the blob store for those that do). */
    default boolean needsKeyFrames() {
        return false;
    }
}
