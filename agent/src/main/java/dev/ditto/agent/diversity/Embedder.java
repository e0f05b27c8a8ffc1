package dev.ditto.agent.diversity;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Sentence embeddings (384-d unit vectors) from the in-process quantised all-MiniLM-L6-v2 model that ships in a
 * LangChain4j jar. By default texts go through a truly batched ONNX Runtime session over that same model file;
 * {@link #langChain4jPerText} uses LangChain4j's own {@code AllMiniLmL6V2QuantizedEmbeddingModel.embedAll}.
 */
public final class Embedder implements AutoCloseable {

    /**
     * Texts per ONNX Runtime call. Batching changes a text's int8 vector a little (the model quantises each activation
     * tensor with one scale for the whole batch), but not its fidelity to the model: over 800 grammar instructions,
     * cosine to the fp32 all-MiniLM-L6-v2 is 0.9905 mean / 0.981 worst in batches of 32 against 0.9907 / 0.979 one
     * text at a time, and near-duplicate decisions at 0.92 agree on 319,583 of 319,600 pairs either way. Batches are
     * cut from the call's texts in a canonical order (see {@link BatchedMiniLm}), so a call's vectors depend only on
     * which texts it embeds, not on their order.
     */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** The model; for the batched MiniLM this embedder owns it, and it may still be loading. */
    private final CompletableFuture<? extends EmbeddingModel> model;
    private final int batchSize;
    private final boolean batched;
    private final AtomicBoolean loadStarted;
    /** What else to close with this embedder (the per-text model's threads). */
    private final @Nullable AutoCloseable owned;
    private final Map<String, float[]> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    /** How many recent texts keep their vectors (about 1.6 KB each). */
    public static final int CACHE_ENTRIES = 20_000;

    /** The batched quantised MiniLM with one single-threaded worker per core and the default batch size. */
    public Embedder() {
        this(Runtime.getRuntime().availableProcessors(), DEFAULT_BATCH_SIZE);
    }

    /** The batched quantised MiniLM with {@code workers} concurrent single-threaded calls and the given batch size. */
    public Embedder(int workers, int batchSize) {
        this(workers, 1, batchSize);
    }

    /** The batched quantised MiniLM: {@code workers} concurrent calls, each on {@code intraOpThreads} threads. */
    public Embedder(int workers, int intraOpThreads, int batchSize) {
        this(CompletableFuture.completedFuture(new BatchedMiniLm(workers, intraOpThreads, requirePositive(batchSize))),
                batchSize);
    }

    private Embedder(CompletableFuture<BatchedMiniLm> loading, int batchSize) {
        this.model = loading;
        this.batchSize = requirePositive(batchSize);
        this.batched = true;
        this.loadStarted = new AtomicBoolean(loading.isDone());
        this.owned = null;
    }

    /**
     * The batched quantised MiniLM as {@link #Embedder()}, loaded later (ONNX Runtime and the model take about 3 s of
     * CPU): on a thread of its own once {@link #startLoading()} is called (a server calls it when it is ready, so its
     * start-up does not wait for the model), or by the first call, whichever comes first; calls wait for the load.
     * A model that cannot be loaded fails every call with the reason.
     */
    public static Embedder loadedLater() {
        return new Embedder(new CompletableFuture<>(), DEFAULT_BATCH_SIZE);
    }

    /** Starts loading a {@link #loadedLater()} model on a thread of its own (once; nothing for other embedders). */
    public void startLoading() {
        if (!batched || !loadStarted.compareAndSet(false, true)) {
            return;
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<BatchedMiniLm> loading = (CompletableFuture<BatchedMiniLm>) model;
        int workers = Runtime.getRuntime().availableProcessors();
        Thread.ofPlatform().daemon().name("minilm-load").start(() -> {
            try {
                loading.complete(new BatchedMiniLm(workers, 1, DEFAULT_BATCH_SIZE));
            } catch (Throwable t) {
                loading.completeExceptionally(t);
            }
        });
    }

    /** Any LangChain4j embedding model (e.g. a remote one); vectors are normalised to unit length. */
    public Embedder(EmbeddingModel model, int batchSize) {
        this(model, batchSize, null);
    }

    private Embedder(EmbeddingModel model, int batchSize, @Nullable AutoCloseable owned) {
        this.model = CompletableFuture.completedFuture(model);
        this.batchSize = requirePositive(batchSize);
        this.batched = false;
        this.loadStarted = new AtomicBoolean(true);
        this.owned = owned;
    }

    private EmbeddingModel model() {
        startLoading();
        try {
            return model.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the MiniLM embedding model could not be loaded: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** LangChain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel}, which runs one ONNX call per text on {@code workers} threads. */
    public static Embedder langChain4jPerText(int workers, int batchSize) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, workers), runnable -> {
            Thread t = new Thread(runnable, "ditto-embedder");
            t.setDaemon(true);
            return t;
        });
        return new Embedder(new AllMiniLmL6V2QuantizedEmbeddingModel((Executor) executor), batchSize, executor::shutdownNow);
    }

    /** The vector of one text. */
    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    /** Vectors of the texts, in order; texts seen recently come from a cache, the rest are embedded in batches. */
    public List<float[]> embedAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<String> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        Map<String, Integer> firstMissing = new HashMap<>();
        synchronized (cache) {
            for (int i = 0; i < texts.size(); i++) {
                float[] hit = cache.get(texts.get(i));
                if (hit != null) {
                    out[i] = hit.clone();
                } else if (firstMissing.putIfAbsent(texts.get(i), missing.size()) == null) {
                    missing.add(texts.get(i));
                    missingAt.add(i);
                } else {
                    missingAt.add(i);
                }
            }
        }
        List<float[]> fresh = new ArrayList<>(missing.size());
        // the batched MiniLM gets every text at once: it sorts them by length across the whole call before cutting
        // batches, and spreads those batches over its workers; chunking here would defeat both
        int chunk = batched ? Math.max(1, missing.size()) : batchSize;
        for (int from = 0; from < missing.size(); from += chunk) {
            List<TextSegment> batch = missing.subList(from, Math.min(missing.size(), from + chunk)).stream()
                    .map(TextSegment::from)
                    .toList();
            for (Embedding e : model().embedAll(batch).content()) {
                fresh.add(Vectors.normalised(e.vector()));
            }
        }
        synchronized (cache) {
            for (int k = 0; k < missing.size(); k++) {
                cache.put(missing.get(k), fresh.get(k));
            }
        }
        for (int i : missingAt) {
            out[i] = fresh.get(firstMissing.get(texts.get(i))).clone();
        }
        return List.of(out);
    }

    /** Cosine similarity of two vectors. */
    public static double cosine(float[] a, float[] b) {
        return Vectors.dot(Vectors.normalised(a), Vectors.normalised(b));
    }

    /** The vector dimension (384 for MiniLM). */
    public int dimension() {
        return model().dimension();
    }

    @Override
    public void close() {
        try {
            if (batched && loadStarted.get()) {
                var loaded = (BatchedMiniLm) model.exceptionally(failed -> null).join(); // null: its load failed
                if (loaded != null) {
                    loaded.close();
                }
            }
            if (owned != null) {
                owned.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the embedding model", e);
        }
    }

    private static int requirePositive(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        return batchSize;
    }
}
