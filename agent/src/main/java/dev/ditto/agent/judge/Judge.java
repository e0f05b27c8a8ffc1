package dev.ditto.agent.judge;

/** Scores a generated sample and decides whether curators see it; implementations are metric-based or a VLM. */
public interface Judge {

    /**
     * Judges one sample.
     *
     * @throws dev.ditto.agent.AgentException when this sample cannot be judged (carries the sample id)
     */
    Verdict judge(JudgeInput input);

    /** The engine label recorded on every verdict. */
    String engine();
}
