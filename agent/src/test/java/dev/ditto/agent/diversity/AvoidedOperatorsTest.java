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

    @Test
    void draftsOfAPreferredStyleWinTheirCategorysPicks() {
        DiversitySelector selector = new DiversitySelector(new GrammarInstructionWriter(), embedder,
                CorpusNeighbours.none(), DiversitySelector.Settings.defaults());
        var source = Fixtures.aSource().build();
        CategoryMix styles = new CategoryMix(java.util.Map.of(dev.ditto.agent.Category.GLOBAL_STYLE, 1.0));
        var plain = selector.select(source, styles, 4, 5, Set.of());
        long plainPixelArt = plain.chosen().stream().filter(d -> DiversitySelector.key(d.edit()).equals("style=pixel_art")).count();

        var preferring = selector.select(source, styles, 4, 5, Set.of(), Set.of("style=pixel_art"));
        long pixelArt = preferring.chosen().stream().filter(d -> DiversitySelector.key(d.edit()).equals("style=pixel_art")).count();

        assertThat(pixelArt).as("pixel art drafts chosen when preferred (vs %d without)", plainPixelArt)
                .isGreaterThan(plainPixelArt).isGreaterThanOrEqualTo(2);
    }
}
