package dev.ditto.campaigns;

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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the agent's engines from {@code ditto.agent.*}: a configured model server, else the built-in ones. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
class AgentConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AgentConfiguration.class);

    /** The in-process MiniLM embedding model (384-d). */
    @Bean(destroyMethod = "close")
    Embedder embedder() {
        return new Embedder();
    }

    @Bean
    InstructionWriter instructionWriter(AgentProperties properties, CorpusInstructions corpus) {
        if (properties.text().configured()) {
            log.info("Instruction writer: {} model {} at {}", properties.text().provider(), properties.text().model(),
                    properties.text().baseUrl());
            return LlmInstructionWriter.forEndpoint(properties.text().toModelEndpoint(), corpus, corpus, RetryPolicy.defaults());
        }
        log.info("Instruction writer: built-in taxonomy grammar (no ditto.agent.text.model configured)");
        return new GrammarInstructionWriter();
    }

    @Bean
    Judge judge(AgentProperties properties) {
        JudgeThresholds thresholds = JudgeThresholds.defaults().withOverallMinimum(properties.judgeMinOverall());
        if (properties.vision().configured()) {
            log.info("Judge: {} model {} at {}", properties.vision().provider(), properties.vision().model(),
                    properties.vision().baseUrl());
            return LlmJudge.forEndpoint(properties.vision().toModelEndpoint(), thresholds, RetryPolicy.defaults());
        }
        log.info("Judge: built-in metric judge (no ditto.agent.vision.model configured)");
        return new MetricJudge(thresholds, SafetyBlocklist.defaults());
    }

    @Bean
    DiversitySelector diversitySelector(InstructionWriter writer, Embedder embedder, CorpusInstructions corpus,
                                        AgentProperties properties) {
        DiversitySelector.Settings d = DiversitySelector.Settings.defaults();
        var settings = new DiversitySelector.Settings(d.oversample(), properties.nearDuplicateSimilarity(),
                properties.nearDuplicateSimilarity(), d.lambda());
        return new DiversitySelector(writer, embedder, corpus, settings);
    }
}
