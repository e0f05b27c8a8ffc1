package dev.ditto.agent.diversity;

import static dev.ditto.agent.Fixtures.aSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.writer.GrammarInstructionWriter;
import dev.ditto.protocol.EditSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DiversitySelectorTest {

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
    void rejectsNearDuplicatesWithinTheBatch() {
        List<InstructionDraft> candidates = List.of(
                style("Turn the street into an oil painting."),
                style("Turn the street into an oil painting!"),
                style("turn the street into an oil painting."),
                style("Turn this street into an oil painting."),
                style("Make it look like a pencil sketch drawn in graphite."),
                style("Render the whole clip as retro 8-bit pixel art."));
        DiversitySelector selector = new DiversitySelector(new GrammarInstructionWriter(), embedder,
                CorpusNeighbours.none(), DiversitySelector.Settings.defaults());

        Selection selection = selector.choose(candidates, CategoryMix.defaultMix(), 6);

        assertThat(selection.chosen()).extracting(InstructionDraft::instruction)
                .containsOnlyOnce("Turn the street into an oil painting.")
                .contains("Make it look like a pencil sketch drawn in graphite.", "Render the whole clip as retro 8-bit pixel art.")
                .hasSize(3);
        assertThat(selection.rejectedNearDuplicateInBatch()).isEqualTo(3);
        assertPairwiseBelow(selection.vectors(), 0.92);
    }

    @Test
    void rejectsNearDuplicatesOfTheCorpus() {
        InMemoryCorpusNeighbours corpus = new InMemoryCorpusNeighbours();
        corpus.addAll(embedder.embedAll(List.of("Turn the street into an oil painting.")));
        DiversitySelector selector = new DiversitySelector(new GrammarInstructionWriter(), embedder, corpus,
                DiversitySelector.Settings.defaults());

        Selection selection = selector.choose(List.of(
                style("Turn the street into an oil painting!"),
                style("Make it look like a pencil sketch drawn in graphite.")), CategoryMix.defaultMix(), 2);

        assertThat(selection.chosen()).extracting(InstructionDraft::instruction)
                .containsExactly("Make it look like a pencil sketch drawn in graphite.");
        assertThat(selection.rejectedNearDuplicateInCorpus()).isEqualTo(1);
    }

    @Test
    void theSameEditOnAnotherSourceIsNoNearDuplicateOfIt() {
        SourceFacts source = aSource().withPeople().build();
        List<String> written = new GrammarInstructionWriter().write(source, CategoryMix.defaultMix(), 40, 5).stream()
                .map(InstructionDraft::instruction).toList();
        InMemoryCorpusNeighbours otherSource = new InMemoryCorpusNeighbours();
        otherSource.addAll("another-source", embedder.embedAll(written));
        InMemoryCorpusNeighbours sameSource = new InMemoryCorpusNeighbours();
        sameSource.addAll(source.sourceId(), embedder.embedAll(written));

        Selection across = new DiversitySelector(new GrammarInstructionWriter(), embedder, otherSource,
                DiversitySelector.Settings.defaults()).select(source, CategoryMix.defaultMix(), 10, 5);
        Selection within = new DiversitySelector(new GrammarInstructionWriter(), embedder, sameSource,
                DiversitySelector.Settings.defaults()).select(source, CategoryMix.defaultMix(), 10, 5);

        assertThat(across.rejectedNearDuplicateInCorpus()).isZero();
        assertThat(across.chosen()).hasSize(10);
        assertThat(within.rejectedNearDuplicateInCorpus()).isGreaterThan(0);
        assertThat(within.chosen()).extracting(InstructionDraft::instruction).doesNotContainAnyElementsOf(written);
    }

    @Test
    void keepsTheCategoryMixWithinTolerance() {
        SourceFacts source = aSource().withPeople().build();
        DiversitySelector selector = new DiversitySelector(new GrammarInstructionWriter(), embedder,
                CorpusNeighbours.none(), DiversitySelector.Settings.defaults());

        Selection selection = selector.select(source, CategoryMix.defaultMix(), 40, 17);
        DiversityReport report = selection.report();

        assertThat(selection.chosen()).hasSize(40);
        assertThat(CategoryMix.defaultMix().maxDeviation(report.categoryHistogram())).isLessThanOrEqualTo(0.05);
        int global = report.categoryHistogram().getOrDefault(Category.GLOBAL_STYLE, 0)
                + report.categoryHistogram().getOrDefault(Category.GLOBAL_FREEFORM, 0);
        assertThat(global / 40.0).isCloseTo(0.70, within(0.05));
        assertPairwiseBelow(selection.vectors(), 0.92);
    }

    @Test
    void replenishesACategoryWhoseCandidatesTheCorpusRejected() {
        InMemoryCorpusNeighbours corpus = new InMemoryCorpusNeighbours();
        corpus.addAll(embedder.embedAll(List.of("Add light rain to the street.")));
        List<CategoryMix> asked = new java.util.ArrayList<>();
        dev.ditto.agent.writer.InstructionWriter writer = new dev.ditto.agent.writer.InstructionWriter() {
            @Override
            public List<InstructionDraft> write(SourceFacts source, CategoryMix mix, int count, long seed) {
                asked.add(mix);
                if (asked.size() == 1) {
                    return List.of(style("Turn the street into an oil painting."), style("Make it look like a pencil sketch."),
                            add("Add light rain to the street!"));
                }
                return List.of(add("Let heavy snowflakes drift down through the street."));
            }

            @Override
            public String engine() {
                return "test";
            }
        };
        CategoryMix mix = new CategoryMix(Map.of(Category.GLOBAL_STYLE, 2.0, Category.LOCAL_ADD, 1.0));

        Selection selection = new DiversitySelector(writer, embedder, corpus, DiversitySelector.Settings.defaults())
                .select(aSource().build(), mix, 3, 1);

        assertThat(selection.chosen()).extracting(InstructionDraft::category)
                .containsExactlyInAnyOrder(Category.GLOBAL_STYLE, Category.GLOBAL_STYLE, Category.LOCAL_ADD);
        assertThat(selection.rejectedNearDuplicateInCorpus()).isEqualTo(1);
        assertThat(asked.get(1).targets()).containsOnlyKeys(Category.LOCAL_ADD);
    }

    @Test
    void selectionIsMoreDiverseThanTheCandidates() {
        SourceFacts source = aSource().build();
        List<InstructionDraft> candidates = new GrammarInstructionWriter().write(source, CategoryMix.defaultMix(), 120, 4);
        DiversityReport all = DiversityReport.of(candidates, embedder.embedAll(candidates.stream().map(InstructionDraft::instruction).toList()));
        Selection selection = new DiversitySelector(new GrammarInstructionWriter(), embedder, CorpusNeighbours.none(),
                DiversitySelector.Settings.defaults()).choose(candidates, CategoryMix.defaultMix().restrictedTo(
                        List.of(Category.GLOBAL_STYLE, Category.GLOBAL_FREEFORM, Category.LOCAL_ADD)), 30);

        assertThat(selection.report().meanPairwiseCosineDistance()).isGreaterThan(all.meanPairwiseCosineDistance());
    }

    @Test
    void reportComputesExactMeanPairwiseDistanceAndDistinctN() {
        Random random = new Random(1);
        List<float[]> vectors = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float[] v = new float[8];
            for (int j = 0; j < 8; j++) {
                v[j] = (float) random.nextGaussian();
            }
            vectors.add(Vectors.normalised(v));
        }
        double brute = 0;
        int pairs = 0;
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = i + 1; j < vectors.size(); j++) {
                brute += 1 - Vectors.dot(vectors.get(i), vectors.get(j));
                pairs++;
            }
        }
        List<String> texts = java.util.Collections.nCopies(12, "add rain add snow");
        DiversityReport report = DiversityReport.of(texts, vectors, java.util.Collections.nCopies(12, Category.LOCAL_ADD));

        assertThat(report.meanPairwiseCosineDistance()).isCloseTo(brute / pairs, within(1e-6));
        assertThat(DiversityReport.distinct(List.of("add rain add snow"), 1)).isCloseTo(3 / 4.0, within(1e-9));
        assertThat(DiversityReport.distinct(List.of("add rain add snow"), 2)).isCloseTo(1.0, within(1e-9));
        assertThat(report.categoryHistogram()).isEqualTo(Map.of(Category.LOCAL_ADD, 12));
    }

    private static InstructionDraft style(String text) {
        return new InstructionDraft("src-1", Category.GLOBAL_STYLE, text,
                new EditSpec("style", Map.of("style", "oil_paint", "strength", 0.8), 1, text), "test", "test", "v1");
    }

    private static InstructionDraft add(String text) {
        return new InstructionDraft("src-1", Category.LOCAL_ADD, text,
                new EditSpec("add_rain", Map.of("density", 0.3), 1, text), "test", "test", "v1");
    }

    private static void assertPairwiseBelow(List<float[]> vectors, double limit) {
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = i + 1; j < vectors.size(); j++) {
                assertThat(Vectors.dot(vectors.get(i), vectors.get(j))).isLessThan(limit);
            }
        }
    }
}
