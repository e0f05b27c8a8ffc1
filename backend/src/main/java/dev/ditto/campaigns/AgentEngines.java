package dev.ditto.campaigns;

import dev.ditto.agent.caption.Captioner;
import dev.ditto.agent.caption.ProbeCaptioner;
import dev.ditto.agent.caption.VisionCaptioner;
import dev.ditto.agent.diversity.DiversitySelector;
import dev.ditto.agent.diversity.Embedder;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeThresholds;
import dev.ditto.agent.judge.LlmJudge;
import dev.ditto.agent.judge.MetricJudge;
import dev.ditto.agent.judge.SafetyBlocklist;
import dev.ditto.agent.llm.RetryPolicy;
import dev.ditto.agent.writer.GrammarInstructionWriter;
import dev.ditto.agent.writer.InstructionWriter;
import dev.ditto.agent.writer.LlmInstructionWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's engines in force: the instruction writer, the judge, the source captioner and the diversity selector, built from
 * {@link AgentProperties} (a configured model server, else the built-in engines) and rebuilt whole when an admin
 * changes them, so the next campaign source and the next judged sample use the new ones without a restart. Work
 * already inside a model call finishes on the engines it started with.
 */
public final class AgentEngines {
    private static final Logger log = LoggerFactory.getLogger(AgentEngines.class);

    private final CorpusInstructions corpus;
    private final Embedder embedder;
    private volatile InForce current;

    AgentEngines(AgentProperties configured, CorpusInstructions corpus, Embedder embedder) {
        this.corpus = corpus;
        this.embedder = embedder;
        this.current = build(configured);
    }

    /**
     * Rebuilds the engines for {@code properties} unless they are the ones in force; returns whether it did.
     *
     * @throws IllegalArgumentException the properties do not describe a usable engine (the old ones stay)
     */
    public synchronized boolean apply(AgentProperties properties) {
        if (properties.equals(current.properties())) {
            return false;
        }
        current = build(properties);
        return true;
    }

    /** The properties the engines in force were built from. */
    public AgentProperties properties() {
        return current.properties();
    }

    /** What writes instructions now, e.g. "openai-compatible model qwen at http://…" or "built-in grammar". */
    public String writerDescription() {
        return describe(current.properties().text(), "built-in taxonomy grammar");
    }

    /** What judges samples now. */
    public String judgeDescription() {
        return describe(current.properties().vision(), "built-in metric judge");
    }

    /** What captions sources now. */
    public String captionerDescription() {
        return describe(current.properties().caption(), "built-in caption from probe measurements");
    }

    /** The captioner in force (the caption worker takes it once per source, so a change applies to the next one). */
    public Captioner captioner() {
        return current.captioner();
    }

    InstructionWriter writer() {
        return current.writer();
    }

    Judge judge() {
        return current.judge();
    }

    DiversitySelector selector() {
        return current.selector();
    }

    private InForce build(AgentProperties p) {
        InstructionWriter writer = p.text().configured()
                ? LlmInstructionWriter.forEndpoint(p.text().toModelEndpoint(), corpus, corpus, RetryPolicy.defaults())
                : new GrammarInstructionWriter();
        JudgeThresholds thresholds = p.judgeThresholds();
        Judge judge = p.vision().configured()
                ? LlmJudge.forEndpoint(p.vision().toModelEndpoint(), thresholds, RetryPolicy.defaults())
                : new MetricJudge(thresholds, SafetyBlocklist.defaults());
        Captioner captioner = p.caption().configured()
                ? VisionCaptioner.forEndpoint(p.caption().toModelEndpoint(), RetryPolicy.defaults())
                : new ProbeCaptioner();
        DiversitySelector.Settings d = DiversitySelector.Settings.defaults();
        var settings = new DiversitySelector.Settings(d.oversample(), p.nearDuplicateSimilarity(),
                p.nearDuplicateSimilarity(), d.lambda());
        log.info("Agent engines: writer {}, judge {}, captioner {} (judge minimum {}, near-duplicate similarity {})",
                describe(p.text(), "built-in taxonomy grammar"), describe(p.vision(), "built-in metric judge"),
                describe(p.caption(), "built-in caption from probe measurements"),
                p.judgeMinOverall(), p.nearDuplicateSimilarity());
        return new InForce(p, writer, judge, captioner, new DiversitySelector(writer, embedder, corpus, settings));
    }

    private static String describe(AgentProperties.Endpoint e, String builtIn) {
        if (!e.configured()) {
            return builtIn;
        }
        return e.provider() + " model " + e.model() + (e.baseUrl() == null ? "" : " at " + e.baseUrl());
    }

    private record InForce(AgentProperties properties, InstructionWriter writer, Judge judge, Captioner captioner,
                           DiversitySelector selector) {}
}
