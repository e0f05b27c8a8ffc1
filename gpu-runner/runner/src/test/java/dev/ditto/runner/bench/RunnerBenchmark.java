package dev.ditto.runner.bench;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.generate.GenerateEngine;
import dev.ditto.runner.generate.SourceAnalysis;
import dev.ditto.runner.generate.SourceAnalysisCache;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.DecodedFrame;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.media.VideoWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./ditto bench runner}: one GENERATE job at 832×480×73 on the built-in engine, end to end, against a plain
 * FFmpeg transcode (decode + H.264 encode) of the same clip measured in the same run: a transcode before every job,
 * for {@code -Dditto.bench.rounds} (default 3) rounds; each job's figure and the transcode's are medians. Each job
 * runs twice per round: computing the clip's analysis itself ({@code job_seconds_without_reuse}), and loading the
 * analysis computed once before the rounds, as PROBE does ({@code job_seconds}; the analysis's cost, size and load
 * time as {@code analysis_compute_seconds}, {@code analysis_bytes}, {@code analysis_load_seconds}); both must give the
 * same metrics. Writes {@code <out>/runner.json} with {@code job_seconds}, {@code transcode_seconds} and
 * {@code ratio_to_transcode} (target ≤ 2.0). Then, untimed, every operator once ({@link #everyOperator}): {@code warp_error_ratio_by_operator}, the
 * contrast-normalised warp-error ratio as {@code MetricsStage} measures it ({@code warp_error_normalised}, target ≤
 * {@value #TARGET_WARP_RATIO}), {@code warp_error_ratio_by_operator_farneback}, the same computed independently with
 * Farnebäck flow ({@link WarpCheck}), {@code warp_error_raw_ratio_by_operator} (not normalised) and
 * {@code operators_over_warp_target}.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp <runner classpath>
 * dev.ditto.runner.bench.RunnerBenchmark [out-dir] [selfie_segmentation.tflite]}; the clip is Debian opencv-doc's
 * {@code cup.mp4.gz} (override with {@code -Dditto.bench.clip=FILE}).
 */
public final class RunnerBenchmark {
    private static final Path CUP = Path.of("/usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz");
    /** Rounds of (transcode, job) pairs per operator; each figure is the median over its rounds. */
    private static final int ROUNDS = Integer.getInteger("ditto.bench.rounds", 3);

    /** The jobs timed: one per family of operator. */
    private static final List<EditSpec> JOBS = List.of(
            new EditSpec("grade", Map.of("grade", "winter"), 1, "make it look like winter"),
            new EditSpec("style", Map.of("style", "cartoon"), 2, "turn it into a cartoon"),
            new EditSpec("style", Map.of("style", "watercolour"), 3, "paint it in watercolour"),
            new EditSpec("background_blur", Map.of("radius", 15), 4, "blur the background"),
            new EditSpec("add_snowfall", Map.of("density", 0.6), 5, "add falling snow"));

    /** The target of the contrast-normalised warp-error ratio, for every operator. */
    static final double TARGET_WARP_RATIO = 1.2;

    /**
     * Every operator the built-in engine runs, for the warp-error check (untimed): each style, each grade, each local
     * op; object ops on the box clip (the detector finds the box there), the rest on the cup clip.
     */
    static List<EditSpec> everyOperator() {
        List<EditSpec> out = new ArrayList<>();
        int seed = 100;
        for (String style : dev.ditto.protocol.EditOps.GLOBAL_STYLES) {
            out.add(new EditSpec("style", Map.of("style", style), seed++, "turn it into " + style));
        }
        for (String grade : dev.ditto.protocol.EditOps.COLOUR_GRADES) {
            out.add(new EditSpec("grade", Map.of("grade", grade), seed++, "make it look like " + grade));
        }
        out.add(new EditSpec("background_blur", Map.of("radius", 15), seed++, "blur the background"));
        out.add(new EditSpec("background_replace", Map.of("grade", "sunset"), seed++, "a sunset behind the person"));
        out.add(new EditSpec("person_recolour", Map.of("hue", 50), seed++, "dress the person in yellow"));
        out.add(new EditSpec("person_stylize", Map.of("style", "cartoon"), seed++, "make the person a cartoon"));
        out.add(new EditSpec("person_remove", Map.of(), seed++, "remove the person"));
        out.add(new EditSpec("add_snowfall", Map.of("density", 0.6), seed++, "add falling snow"));
        out.add(new EditSpec("add_rain", Map.of("density", 0.6), seed++, "add rain"));
        out.add(new EditSpec("add_sign", Map.of("text", "OPEN"), seed++, "add an OPEN sign"));
        out.add(new EditSpec("add_sticker", Map.of("shape", "star"), seed++, "add a star sticker"));
        out.add(new EditSpec("object_recolour", Map.of("object", "box", "hue", 200), seed++, "make the box blue"));
        out.add(new EditSpec("object_stylize", Map.of("object", "box", "style", "cartoon"), seed++, "a cartoon box"));
        out.add(new EditSpec("object_remove", Map.of("object", "box"), seed, "remove the box"));
        return out;
    }

    private RunnerBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        Path model = args.length > 1 ? Path.of(args[1]) : defaultModel();
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("ditto-bench-runner");
        Path raw = rawClip(work);
        VideoFormat format = VideoFormat.DITTO_DEFAULT;
        Path clip = work.resolve("clip-832x480x73.mp4");
        ClipNormaliser.normaliseFile(raw, clip, format, 1.0);

        // warm-up: load native libraries, JIT the Java loops
        transcode(clip, work.resolve("warm.mp4"), format);
        Path objects = model.resolveSibling("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite");
        try (GenerateEngine engine = new GenerateEngine("bench", model, GenerateEngine.DEFAULT_BRISQUE_DIR,
                Files.isReadable(objects) ? objects : null)) {
            runJob(engine, clip, work.resolve("warm"), format, JOBS.getFirst());
            // PROBE-time analysis of the clip, as the runner's PROBE keeps it: timed once, then reused by the jobs
            // that run "with reuse"; the jobs "without reuse" compute it themselves, as for a clip never probed here
            SourceAnalysisCache cache = new SourceAnalysisCache(work.resolve("analyses"), SourceAnalysisCache.DEFAULT_MAX_BYTES);
            settle();
            long a0 = System.nanoTime();
            SourceAnalysis analysis = engine.analyse(clip, format);
            double analysisSeconds = (System.nanoTime() - a0) / 1e9;
            String clipKey = SourceAnalysis.sha256(clip);
            cache.store(clipKey, analysis);
            long analysisBytes = Files.size(cache.file(clipKey));
            settle();
            a0 = System.nanoTime();
            SourceAnalysis.read(new java.io.BufferedInputStream(Files.newInputStream(cache.file(clipKey))));
            double analysisLoadSeconds = (System.nanoTime() - a0) / 1e9;

            double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            // Transcodes and jobs alternate, round after round, so a drift in the machine's speed (a shared host
            // runs up to a quarter faster or slower within minutes) weighs on both sides of the ratio alike.
            List<Double> transcodeRuns = new ArrayList<>();
            double transcodeCpu = 0;
            Map<String, List<Double>> runs = new LinkedHashMap<>();
            Map<String, List<Double>> runsComputed = new LinkedHashMap<>();
            Map<String, Map<String, Double>> stages = new LinkedHashMap<>();
            Map<String, Map<String, Double>> stagesComputed = new LinkedHashMap<>();
            Map<String, Map<String, Double>> stageCpu = new LinkedHashMap<>();
            Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
            double jobCpu = 0;
            double jobCpuComputed = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (EditSpec spec : JOBS) {
                    settle();
                    long t0 = System.nanoTime();
                    long c0 = processCpuNanos();
                    transcode(clip, work.resolve("transcode.mp4"), format);
                    transcodeRuns.add((System.nanoTime() - t0) / 1e9);
                    transcodeCpu += (processCpuNanos() - c0) / 1e9 / (ROUNDS * JOBS.size());

                    String name = label(spec);
                    // without reuse: the job computes the clip's analysis itself
                    settle();
                    t0 = System.nanoTime();
                    c0 = processCpuNanos();
                    GenerateResult computed = runJob(engine.withAnalysisCache(null), clip,
                            work.resolve(name + "-computed-" + round), format, spec);
                    runsComputed.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
                    jobCpuComputed += (processCpuNanos() - c0) / 1e9 / (ROUNDS * JOBS.size());
                    requireAnalysis(computed, "computed");
                    Map<String, Double> stc = new LinkedHashMap<>();
                    computed.timings().forEach((k, v) -> stc.put(k, v.wallSeconds()));
                    stagesComputed.put(name, stc);
                    deleteTree(work.resolve(name + "-computed-" + round));
                    // with reuse: the analysis PROBE stored
                    settle();
                    t0 = System.nanoTime();
                    c0 = processCpuNanos();
                    GenerateResult r = runJob(engine.withAnalysisCache(cache), clip, work.resolve(name + "-" + round),
                            format, spec);
                    runs.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
                    requireAnalysis(r, "reused");
                    if (!r.metrics().equals(computed.metrics())) {
                        throw new IllegalStateException(name + ": metrics differ with and without reuse: "
                                + r.metrics() + " vs " + computed.metrics());
                    }
                    keep(work.resolve(name + "-" + round), name.replace(':', '-'));
                    jobCpu += (processCpuNanos() - c0) / 1e9 / (ROUNDS * JOBS.size());
                    Map<String, Double> st = new LinkedHashMap<>();
                    r.timings().forEach((k, v) -> st.put(k, v.wallSeconds()));
                    stages.put(name, st);
                    Map<String, Double> cpu = new LinkedHashMap<>();
                    r.timings().forEach((k, v) -> cpu.put(k, v.cpuSeconds()));
                    stageCpu.put(name, cpu);
                    metrics.put(name, new LinkedHashMap<>(r.metrics()));
                }
            }
            double[] transcodes = transcodeRuns.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double transcode = median(transcodes);
            Map<String, Double> perOp = new LinkedHashMap<>();
            runs.forEach((k, v) -> perOp.put(k, median(v.stream().mapToDouble(Double::doubleValue).sorted().toArray())));
            double job = perOp.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double ratio = job / transcode;
            Map<String, Double> perOpComputed = new LinkedHashMap<>();
            runsComputed.forEach((k, v) -> perOpComputed.put(k,
                    median(v.stream().mapToDouble(Double::doubleValue).sorted().toArray())));
            double jobComputed = perOpComputed.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);

            System.out.printf(Locale.ROOT, "%nRunner benchmark: GENERATE %dx%dx%d on the built-in engine, %d cores%n",
                    format.width(), format.height(), format.frames(), Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "segmentation: %s%n", engine.segmentationEngine());
            System.out.printf(Locale.ROOT, "%-28s %9s %9s%n", "job", "seconds", "× transc.");
            System.out.printf(Locale.ROOT, "%-28s %9.3f %9.2f%n", "ffmpeg transcode (median)", transcode, 1.0);
            perOp.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %9.3f %9.2f%n", k, v, v / transcode));
            System.out.printf(Locale.ROOT, "%-28s %9.3f %9.2f   (target ≤ 2.00)%n", "GENERATE mean", job, ratio);
            perOpComputed.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %9.3f %9.2f%n",
                    k + " (no reuse)", v, v / transcode));
            System.out.printf(Locale.ROOT, "%-28s %9.3f %9.2f%n", "GENERATE mean, no reuse", jobComputed,
                    jobComputed / transcode);
            System.out.printf(Locale.ROOT, "analysis: computed in %.3f s, %d bytes, loaded in %.3f s%n",
                    analysisSeconds, analysisBytes, analysisLoadSeconds);

            String json = "{\n"
                    + "  \"benchmark\": \"runner\",\n"
                    + "  \"clip\": \"opencv-doc cup.mp4 normalised to " + format.width() + "x" + format.height()
                    + "x" + format.frames() + " @" + format.fps() + "fps\",\n"
                    + "  \"cores\": " + Runtime.getRuntime().availableProcessors() + ",\n"
                    + "  \"segmentation\": " + quote(engine.segmentationEngine()) + ",\n"
                    + "  \"job_seconds\": " + num(job) + ",\n"
                    + "  \"transcode_seconds\": " + num(transcode) + ",\n"
                    + "  \"ratio_to_transcode\": " + num(ratio) + ",\n"
                    + "  \"target_ratio\": 2.0,\n"
                    // job_seconds and ratio_to_transcode: the clip's analysis computed at PROBE and loaded from the
                    // runner's cache (how a probed clip is generated); without reuse: the job computes it
                    + "  \"analysis\": \"reused (stored at PROBE, loaded from the runner's cache)\",\n"
                    + "  \"job_seconds_without_reuse\": " + num(jobComputed) + ",\n"
                    + "  \"ratio_to_transcode_without_reuse\": " + num(jobComputed / transcode) + ",\n"
                    + "  \"job_cpu_seconds_without_reuse\": " + num(jobCpuComputed) + ",\n"
                    + "  \"analysis_compute_seconds\": " + num(analysisSeconds) + ",\n"
                    + "  \"analysis_load_seconds\": " + num(analysisLoadSeconds) + ",\n"
                    + "  \"analysis_bytes\": " + analysisBytes + ",\n"
                    // the machine is shared: with a load average above the cores, wall figures are a floor; CPU
                    // seconds (process user + system) barely depend on it
                    + "  \"system_load_average_at_start\": " + num(loadBefore) + ",\n"
                    + "  \"system_load_average_at_end\": "
                    + num(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()) + ",\n"
                    + "  \"job_cpu_seconds\": " + num(jobCpu) + ",\n"
                    + "  \"transcode_cpu_seconds\": " + num(transcodeCpu) + ",\n"
                    + "  \"rounds\": " + ROUNDS + ",\n"
                    + "  \"per_op_runs_seconds\": " + runsJson(runs) + ",\n"
                    + "  \"transcode_runs_seconds\": " + Arrays.stream(transcodes).mapToObj(RunnerBenchmark::num)
                    .toList() + ",\n"
                    + "  \"per_op_seconds\": " + object(perOp) + ",\n"
                    + "  \"per_op_runs_seconds_without_reuse\": " + runsJson(runsComputed) + ",\n"
                    + "  \"per_op_seconds_without_reuse\": " + object(perOpComputed) + ",\n"
                    + "  \"per_op_stage_seconds_without_reuse\": " + nested(stagesComputed) + ",\n"
                    + "  \"per_op_stage_seconds\": " + nested(stages) + ",\n"
                    + "  \"per_op_stage_cpu_seconds\": " + nested(stageCpu) + ",\n"
                    + "  \"per_op_metrics\": " + nested(metrics) + "\n"
                    + "}\n";
            // every operator, untimed: the contrast-normalised warp-error ratio as MetricsStage measures it (DIS
            // flow), checked against an independent Farnebäck computation on the decoded videos
            Path box = boxClip(work, format);
            if (System.getProperty("ditto.bench.keep") != null) {
                Path keepDir = Files.createDirectories(Path.of(System.getProperty("ditto.bench.keep")));
                Files.copy(clip, keepDir.resolve("source-cup.mp4"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(box, keepDir.resolve("source-box.mp4"), StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, Double> warp = new LinkedHashMap<>();
            Map<String, Double> warpFarneback = new LinkedHashMap<>();
            Map<String, Double> warpRaw = new LinkedHashMap<>();
            // -Dditto.bench.only=style:pencil_sketch,add_rain: only these operators (experiments; runner.json is then
            // not the benchmark's)
            String only = System.getProperty("ditto.bench.only");
            List<EditSpec> all = everyOperator().stream()
                    .filter(sp -> only == null || List.of(only.split(",")).contains(label(sp))).toList();
            System.out.printf(Locale.ROOT, "%nWarp error relative to the source, contrast-normalised (target ≤ %.1f)%n",
                    TARGET_WARP_RATIO);
            System.out.printf(Locale.ROOT, "%-28s %9s %9s %9s%n", "operator", "engine", "farneback", "raw");
            for (int i = 0; i < all.size(); i++) {
                EditSpec spec = all.get(i);
                Path input = spec.op().startsWith("object_") ? box : clip;
                Path dir = work.resolve("warp-" + i);
                GenerateResult r = runJob(engine, input, dir, format, spec);
                String name = label(spec);
                Double normalised = r.metrics().get("warp_error_normalised");
                warp.put(name, normalised == null ? Double.NaN : normalised);
                warpRaw.put(name, r.metrics().getOrDefault("warp_error", Double.NaN));
                warpFarneback.put(name, WarpCheck.ratio(input, dir.resolve("edited.mp4")));
                System.out.printf(Locale.ROOT, "%-28s %9.3f %9.3f %9.3f   (%d/%d)%n", name, warp.get(name),
                        warpFarneback.get(name), warpRaw.get(name), i + 1, all.size());
                keep(dir, "warp-" + name.replace(':', '-'));
                deleteTree(dir);
            }
            List<String> over = warp.entrySet().stream().filter(e -> !(e.getValue() <= TARGET_WARP_RATIO))
                    .map(Map.Entry::getKey).toList();
            System.out.printf(Locale.ROOT, "operators over %.1f: %d of %d %s%n", TARGET_WARP_RATIO, over.size(), warp.size(), over);
            json = json.substring(0, json.lastIndexOf('}')).stripTrailing()
                    + ",\n  \"warp_error_ratio_by_operator\": " + object(warp)
                    + ",\n  \"warp_error_ratio_by_operator_farneback\": " + object(warpFarneback)
                    + ",\n  \"warp_error_raw_ratio_by_operator\": " + object(warpRaw)
                    + ",\n  \"target_warp_error_ratio\": " + num(TARGET_WARP_RATIO)
                    + ",\n  \"operators_over_warp_target\": " + over.stream().map(RunnerBenchmark::quote).toList()
                    + "\n}\n";
            Path file = out.resolve("runner.json");
            Files.writeString(file, json);
            System.out.println("wrote " + file.toAbsolutePath());
        } finally {
            deleteTree(work);
        }
    }

    /** Fails the benchmark if a job did not get its analysis the way it was meant to. */
    private static void requireAnalysis(GenerateResult r, String how) {
        String got = r.provenance().stages().stream().filter(st -> st.stage().equals("source-analysis"))
                .map(dev.ditto.protocol.Provenance.Stage::model).findFirst().orElse("none");
        if (!got.equals(how)) {
            throw new IllegalStateException("expected the analysis " + how + ", the job's provenance says " + got);
        }
    }

    private static String runsJson(Map<String, List<Double>> runs) {
        StringBuilder b = new StringBuilder("{");
        runs.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(quote(k)).append(": ")
                .append(v.stream().map(RunnerBenchmark::num).toList()));
        return b.append("}").toString();
    }

    /** With {@code -Dditto.bench.keep=DIR}, copies a job's videos there to look at (the last round's win). */
    private static void keep(Path jobDir, String name) throws IOException {
        String keep = System.getProperty("ditto.bench.keep");
        if (keep == null) {
            return;
        }
        Path dir = Files.createDirectories(Path.of(keep));
        try (var files = Files.walk(jobDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".mp4") || f.toString().endsWith(".png")).toList()) {
                Files.copy(f, dir.resolve(name + "-" + f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Lets the previous run's leftovers (garbage, native frees) finish before the next timed run starts. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN; // -Dditto.bench.rounds=0: the warp check only
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static GenerateResult runJob(GenerateEngine engine, Path clip, Path workDir, VideoFormat format,
                                         EditSpec spec) throws Exception {
        BlobRef clipRef = new BlobRef(SourceAnalysis.sha256(clip), Files.size(clip), "video/mp4");
        GeneratePayload payload = new GeneratePayload(JobPayload.CURRENT_VERSION, 1, 1, 1, clipRef, spec.prompt(),
                spec, format);
        ArtifactSink sink = (name, file, type) -> new BlobRef(name, Files.size(file), type);
        return engine.run(payload, clip, workDir, sink, Progress.NONE);
    }

    /** Plain transcode: decode every frame and encode it again with the same writer the engine uses. */
    private static void transcode(Path in, Path out, VideoFormat format) throws IOException {
        try (VideoReader reader = VideoReader.open(in);
             VideoWriter writer = VideoWriter.open(out, format.width(), format.height(), format.fps())) {
            for (DecodedFrame f = reader.read(); f != null; f = reader.read()) {
                writer.write(f.image());
                f.close();
            }
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static Path rawClip(Path work) throws IOException {
        String override = System.getProperty("ditto.bench.clip");
        if (override != null) {
            return Path.of(override);
        }
        if (!Files.exists(CUP)) {
            throw new IOException(CUP + " is missing: install Debian's opencv-doc, or pass -Dditto.bench.clip=FILE");
        }
        Path raw = work.resolve("cup.mp4");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CUP))) {
            Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
        }
        return raw;
    }

    /** The box clip (opencv-doc {@code box.mp4.gz}) from 9 s on, in the training format: the box on the table. */
    private static Path boxClip(Path work, VideoFormat format) throws IOException {
        Path gz = CUP.resolveSibling("box.mp4.gz");
        if (!Files.exists(gz)) {
            throw new IOException(gz + " is missing: install Debian's opencv-doc");
        }
        Path raw = work.resolve("box.mp4");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
        }
        Path clip = work.resolve("box-832x480x73.mp4");
        ClipNormaliser.normaliseFile(raw, clip, format, 9.0);
        return clip;
    }

    private static Path defaultModel() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("DITTO_MODELS");
        if (env != null) {
            candidates.add(Path.of(env, "selfie_segmentation.tflite"));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cache", "ditto", "models",
                "selfie_segmentation.tflite"));
        candidates.add(Path.of("gpu-runner", "runner", "target", "models", "selfie_segmentation.tflite"));
        return candidates.stream().filter(Files::isReadable).findFirst().orElse(Path.of("missing-model"));
    }

    private static String label(EditSpec spec) {
        Object v = spec.params().getOrDefault("style", spec.params().get("grade"));
        return v == null ? spec.op() : spec.op() + ":" + v;
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String object(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(quote(k) + ": " + num(v)));
        return "{" + String.join(", ", parts) + "}";
    }

    private static String nested(Map<String, Map<String, Double>> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add("\n    " + quote(k) + ": " + object(v)));
        return "{" + String.join(",", parts) + "\n  }";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
