package dev.ditto.agent.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.llm.FakeOpenAiServer;
import dev.ditto.agent.llm.ModelEndpoint;
import dev.ditto.agent.llm.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The source's dense caption reaches the LLM writer's prompt (OpenAI chat-completions wire format). */
class LlmWriterCaptionTest {

    @Test
    void theWritersPromptCarriesTheSourceCaption() throws Exception {
        String caption = "A chef in a white apron slices tomatoes on a wooden board in a bright restaurant kitchen.";
        SourceFacts facts = new SourceFacts("7", caption, List.of("kitchen"), 0.0, 0, 1.0, 0, List.of(), List.of("kitchen"));
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            server.reply(new FakeOpenAiServer.Content("""
                    {"instructions": [{"category": "global_style", "instruction": "Turn the kitchen scene into a watercolour painting",
                      "op": "style", "style": "watercolour", "strength": 0.8}]}"""));
            LlmInstructionWriter writer = LlmInstructionWriter.forEndpoint(
                    ModelEndpoint.openAiCompatible(server.baseUrl(), null, "writer", Duration.ofSeconds(10)),
                    InstructionLookup.none(), id -> Optional.of(facts), new RetryPolicy(1, Duration.ZERO, Duration.ofSeconds(30)));

            List<InstructionDraft> drafts = writer.write(facts, CategoryMix.defaultMix(), 1, 1);

            assertThat(drafts).hasSize(1);
            String prompt = server.requests().getFirst().path("messages").toString();
            assertThat(prompt).contains("slices tomatoes on a wooden board");
        }
    }

    @Test
    void theGrammarWriterTakesSettingWordsFromTheCaption() {
        SourceFacts facts = new SourceFacts("8", "A surfer paddles out at a sunny beach.", List.of(), 0.0, 0, 1.0, 0,
                List.of(), List.of());

        assertThat(SourceContext.of(facts).scenes()).contains("beach");
        assertThat(SourceContext.of(facts.withCaption(null)).scenes()).doesNotContain("beach");
    }
}
