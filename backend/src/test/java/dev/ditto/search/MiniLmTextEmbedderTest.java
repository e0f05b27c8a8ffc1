package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search's query embedder on its own quiet ONNX session gives LangChain4j's stock vectors, in the texts' order. */
class MiniLmTextEmbedderTest {
    @Test
    void itsVectorsAreTheStockModelsNormalisedInTheTextsOrder() {
        List<String> texts = List.of("make it look like a watercolour painting", "remove the dog", "snowy street at night");
        var stock = new AllMiniLmL6V2QuantizedEmbeddingModel();

        List<float[]> ours = new MiniLmTextEmbedder().embedAll(texts);

        assertThat(ours).hasSize(3);
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = VectorMath.normalised(stock.embed(texts.get(i)).content().vector());
            double dot = 0;
            for (int d = 0; d < expected.length; d++) {
                dot += expected[d] * ours.get(i)[d];
            }
            assertThat(dot).as(texts.get(i)).isGreaterThan(0.99999);
        }
    }
}
