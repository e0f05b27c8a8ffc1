package dev.ditto.agent.diversity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedderTest {

    private static final List<String> TEXTS = List.of(
            "Turn the street into an oil painting.",
            "Make it snow.",
            "Replace the background behind the dancer with a plain cobalt blue backdrop, keeping her in focus.",
            "Give the whole video a faded vintage film look.");

    @Test
    void batchedInferenceMatchesLangChain4jPerTextVectors() {
        try (Embedder batched = new Embedder(2, Embedder.DEFAULT_BATCH_SIZE); Embedder perText = Embedder.langChain4jPerText(1, 8)) {
            List<float[]> a = batched.embedAll(TEXTS);
            List<float[]> b = perText.embedAll(TEXTS);

            assertThat(a).hasSize(TEXTS.size());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(a.get(i)).hasSize(384);
                assertThat(Embedder.cosine(a.get(i), b.get(i))).as(TEXTS.get(i)).isGreaterThan(0.999);
                assertThat(Vectors.dot(a.get(i), a.get(i))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void textsSpreadOverWorkersComeBackInTheirOwnOrderWithTheReferenceVectors() {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 37; i++) {
            // lengths rise and fall so sorting by length reorders them across workers
            texts.add("Make the scene look like " + "a very ".repeat((i * 7) % 11) + "old photograph number " + i + ".");
        }
        try (Embedder batched = new Embedder(); Embedder perText = Embedder.langChain4jPerText(1, 8)) {
            List<float[]> a = batched.embedAll(texts);
            List<float[]> b = perText.embedAll(texts);

            for (int i = 0; i < texts.size(); i++) {
                assertThat(Embedder.cosine(a.get(i), b.get(i))).as(texts.get(i)).isGreaterThan(0.999);
            }
        }
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedEdits() {
        try (Embedder embedder = new Embedder()) {
            List<float[]> v = embedder.embedAll(List.of(
                    "Turn the street into an oil painting.", "Convert the street into an oil painting.", "Add heavy rain to the kitchen."));
            assertThat(Embedder.cosine(v.get(0), v.get(1))).isGreaterThan(Embedder.cosine(v.get(0), v.get(2)));
        }
    }

    @Test
    void repeatedTextsGetTheSameVectorFromTheCache() {
        try (Embedder embedder = new Embedder()) {
            float[] first = embedder.embed("Make it rain heavily over the whole clip.");
            List<float[]> again = embedder.embedAll(List.of("Add fog.", "Make it rain heavily over the whole clip.", "Add fog."));

            assertThat(again.get(1)).containsExactly(first);
            assertThat(again.get(0)).containsExactly(again.get(2));
            again.get(1)[0] = 42f;
            assertThat(embedder.embed("Make it rain heavily over the whole clip.")).containsExactly(first);
        }
    }
}
