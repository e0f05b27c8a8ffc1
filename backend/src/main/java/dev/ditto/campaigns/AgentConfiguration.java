package dev.ditto.campaigns;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.diversity.Embedder;
import dev.ditto.agent.judge.Judge;
import dev.ditto.agent.judge.JudgeInput;
import dev.ditto.agent.judge.Verdict;
import dev.ditto.agent.writer.InstructionWriter;
import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The agent's engines from {@code ditto.agent.*} (a configured model server, else the built-in ones), held by
 * {@link AgentEngines} so a settings change replaces them live; the writer and judge beans always delegate to the
 * ones in force.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
class AgentConfiguration {

    /**
     * The in-process MiniLM embedding model (384-d), loaded once the server is ready (or by its first use, which
     * waits for it), so the start-up does not wait for it.
     */
    @Bean(destroyMethod = "close")
    Embedder embedder() {
        return Embedder.loadedLater();
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> loadEmbedderWhenReady(Embedder embedder) {
        return event -> embedder.startLoading();
    }

    @Bean
    AgentEngines agentEngines(AgentProperties properties, CorpusInstructions corpus, Embedder embedder) {
        return new AgentEngines(properties, corpus, embedder);
    }

    @Bean
    InstructionWriter instructionWriter(AgentEngines engines) {
        return new InstructionWriter() {
            @Override
            public List<InstructionDraft> write(SourceFacts source, CategoryMix mix, int count, long seed) {
                return engines.writer().write(source, mix, count, seed);
            }

            @Override
            public String engine() {
                return engines.writer().engine();
            }
        };
    }

    @Bean
    Judge judge(AgentEngines engines) {
        return new Judge() {
            @Override
            public Verdict judge(JudgeInput input) {
                return engines.judge().judge(input);
            }

            @Override
            public String engine() {
                return engines.judge().engine();
            }
        };
    }
}
