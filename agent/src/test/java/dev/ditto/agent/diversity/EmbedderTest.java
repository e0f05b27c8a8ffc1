package dev.ditto.agent.diversity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedderTest {

    private static final List<String> TEXTS = List.of(
            "Turn the street into an oil painting.",
            "Make it snow.",
            "Replace the background behind the dancer with a plain cobalt blue backdrop, keeping her in focus.",
            "Give the whole video a faded vintage film look.");

    @Test
    void oneTextPerCallReproducesLangChain4jPerTextVectors() {
        try (Embedder alone = new Embedder(2, 1); Embedder perText = Embedder.langChain4jPerText(1, 8)) {
            List<float[]> a = alone.embedAll(TEXTS);
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
    void aModelLoadedLaterGivesTheSameVectorsWhetherItsLoadWasStartedOrNot() {
        try (Embedder now = new Embedder(); Embedder started = Embedder.loadedLater();
             Embedder onFirstUse = Embedder.loadedLater(); Embedder neverUsed = Embedder.loadedLater()) {
            started.startLoading();
            List<float[]> expected = now.embedAll(TEXTS);
            List<float[]> a = started.embedAll(TEXTS);
            List<float[]> b = onFirstUse.embedAll(TEXTS); // no startLoading(): the first call loads it
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(a.get(i)).as(TEXTS.get(i)).containsExactly(expected.get(i));
                assertThat(b.get(i)).as(TEXTS.get(i)).containsExactly(expected.get(i));
            }
            assertThat(neverUsed.dimension()).isEqualTo(384);
        }
    }

    @Test
    void batchedVectorsAreAsFaithfulToTheFp32ModelAsOneTextAtATime() {
        List<String> texts = varied(64);
        AllMiniLmL6V2EmbeddingModel fp32 = new AllMiniLmL6V2EmbeddingModel();
        try (Embedder batched = new Embedder(); Embedder alone = new Embedder(2, 1)) {
            List<float[]> b = batched.embedAll(texts);
            List<float[]> a = alone.embedAll(texts);

            double batchedSum = 0;
            double aloneSum = 0;
            double batchedMin = 1;
            double aloneMin = 1;
            for (int i = 0; i < texts.size(); i++) {
                float[] reference = fp32.embed(texts.get(i)).content().vector();
                double cb = Embedder.cosine(b.get(i), reference);
                double ca = Embedder.cosine(a.get(i), reference);
                batchedSum += cb;
                aloneSum += ca;
                batchedMin = Math.min(batchedMin, cb);
                aloneMin = Math.min(aloneMin, ca);
                assertThat(Embedder.cosine(b.get(i), a.get(i))).as(texts.get(i)).isGreaterThan(0.97);
            }
            assertThat(batchedSum / texts.size()).isGreaterThan(aloneSum / texts.size() - 0.002);
            assertThat(batchedMin).isGreaterThan(aloneMin - 0.01);
        }
    }

    @Test
    void aCallsVectorsDependOnItsTextsNotOnTheirOrder() {
        List<String> texts = varied(37);
        List<String> shuffled = new java.util.ArrayList<>(texts);
        java.util.Collections.shuffle(shuffled, new java.util.Random(5));
        try (Embedder first = new Embedder(); Embedder second = new Embedder()) {
            List<float[]> a = first.embedAll(texts);
            List<float[]> b = second.embedAll(shuffled);

            for (int i = 0; i < texts.size(); i++) {
                assertThat(b.get(shuffled.indexOf(texts.get(i)))).as(texts.get(i)).containsExactly(a.get(i));
            }
        }
    }

    /** Instructions whose lengths rise and fall, so sorting by length reorders them across batches and workers. */
    private static List<String> varied(int n) {
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add("Make the scene look like " + "a very ".repeat((i * 7) % 11) + "old photograph number " + i + ".");
        }
        return texts;
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
