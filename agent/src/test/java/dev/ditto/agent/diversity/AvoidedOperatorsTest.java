package dev.ditto.agent.diversity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.Fixtures;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.writer.GrammarInstructionWriter;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Writer guidance from curators' rejections: an operator to avoid never reaches the campaign. */
class AvoidedOperatorsTest {
    private static Embedder embedder;

    @BeforeAll
    static void loadModel() {
        embedder = new Embedder();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void draftsOfAnAvoidedOperatorAreLeftOutAndTheRestIsStillWritten() {
        DiversitySelector selector = new DiversitySelector(new GrammarInstructionWriter(), embedder,
                CorpusNeighbours.none(), DiversitySelector.Settings.defaults());
        var source = Fixtures.aSource().build();
        var without = selector.select(source, CategoryMix.defaultMix(), 12, 5);
        assertThat(without.chosen()).extracting(d -> d.edit().op()).contains("style");

        var avoiding = selector.select(source, CategoryMix.defaultMix(), 12, 5, Set.of("style"));
        assertThat(avoiding.chosen()).isNotEmpty();
        assertThat(avoiding.chosen()).extracting(InstructionDraft::edit).extracting(e -> e.op()).doesNotContain("style");
    }
}
