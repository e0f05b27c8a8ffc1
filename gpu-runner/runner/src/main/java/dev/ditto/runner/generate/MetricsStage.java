package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.runner.Progress;
import dev.ditto.runner.vision.EdgeMaps;
import dev.ditto.runner.vision.OpticalFlow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_quality.QualityBRISQUE;

/**
 * Quality metrics of the edited clip, reusing the source flow: {@code warp_error} (the edit's temporal warp error
 * divided by the source's, so 1.0 means as stable as the source; absolute values in {@code warp_error_edited} and
 * {@code warp_error_source}), {@code edge_ssim} (SSIM of edge maps, structure fidelity), {@code edit_strength} (mean
 * absolute colour change, 0..1), {@code warp_error_lowpass} (the warp-error ratio on Gaussian-low-passed frames, so
 * intended grain and specks do not read as flicker; absolute values in {@code warp_error_lowpass_edited} and
 * {@code warp_error_lowpass_source}), {@code warp_error_normalised} (the warp-error ratio with each side divided by its
 * clip's mean luma standard deviation, {@code contrast_edited} and {@code contrast_source}, 0..1) and {@code brisque}
 * (no-reference quality of the edited key frame,
 * lower is better; {@code brisque_source} the same of the source key frame).
 */
final class MetricsStage implements Stage {
    /** Every how many frames structure and strength are sampled. */
    private static final int SAMPLE_EVERY = 4;

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        Frames frames = new Frames(s);
        IntStream.range(0, s.frames()).parallel().forEach(frames::add);
        progress.report(name(), 0.6);
        return frames.finish(progress);
    }

    /**
     * The source's side of the metrics, which depends on the source and its flow only (so it is part of the
     * {@link SourceAnalysis}): the warp error of each neighbouring pair, plain and low-passed, and each frame's luma
     * contrast, all at flow resolution.
     */
    record SourceSide(double[] warpError, double[] warpErrorLowpass, double[] contrast) {
        static SourceSide measure(java.util.List<Mat> source, Mat[] backward, Mat[] backwardOk, Size low) {
            int n = source.size();
            Mat[] srcLow = new Mat[n];
            Mat[] srcLowPass = new Mat[n];
            double[] contrast = new double[n];
            try {
                IntStream.range(0, n).parallel().forEach(t -> {
                    Mat src = new Mat();
                    resize(source.get(t), src, low, 0, 0, INTER_AREA);
                    srcLow[t] = src;
                    srcLowPass[t] = lowPass(src);
                    contrast[t] = lumaStd(src);
                });
                double[] err = new double[n - 1];
                double[] lowErr = new double[n - 1];
                IntStream.range(0, n - 1).parallel().forEach(t -> {
                    double[] e = warpErrors(backward[t], backwardOk[t], srcLow[t + 1], srcLow[t], srcLowPass[t + 1],
                            srcLowPass[t]);
                    err[t] = e[0];
                    lowErr[t] = e[1];
                });
                return new SourceSide(err, lowErr, contrast);
            } finally {
                for (Mat[] arr : java.util.List.of(srcLow, srcLowPass)) {
                    for (Mat m : arr) {
                        if (m != null) {
                            m.close();
                        }
                    }
                }
            }
        }
    }

    /**
     * The metrics gathered frame by frame as the output frames become final (in any order, from any thread): each
     * neighbouring pair's warp errors as soon as both its frames are in (and its flow is ready), BRISQUE once the key
     * frame is in; summed up once all are in. The source's side comes from the state's {@link SourceAnalysis} when it has it
     * (measured once per clip), else it is measured here and kept there.
     */
    static final class Frames {
        private final GenerationState s;
        private final Size low;
        private final Mat[] outLow;
        private final Mat[] outLowPass;
        private final double[] ssim;
        private final double[] strength;
        private final double[] contrastOut;
        /** Warp errors of the edited pairs (t, t + 1), plain and low-passed, as they are measured. */
        private final double[] editErr;
        private final double[] editLowErr;
        /** Frames taken in, and pairs claimed for measuring (guarded by {@code this}). */
        private final boolean[] added;
        private final boolean[] pairClaimed;
        /** BRISQUE of the edited and the source key frame, measured once the key frame is final (null: not yet). */
        private volatile double @org.jspecify.annotations.Nullable [] brisque;

        Frames(GenerationState s) {
            this.s = s;
            this.low = s.gray[0].size();
            int n = s.frames();
            this.outLow = new Mat[n];
            this.outLowPass = new Mat[n];
            this.ssim = new double[n];
            this.strength = new double[n];
            this.contrastOut = new double[n];
            this.editErr = new double[Math.max(0, n - 1)];
            this.editLowErr = new double[Math.max(0, n - 1)];
            this.added = new boolean[n];
            this.pairClaimed = new boolean[Math.max(0, n - 1)];
        }

        private boolean sampled(int t) {
            return t % SAMPLE_EVERY == 0 || t == s.keyIndex;
        }

        /** Takes in final output frame {@code t}. */
        void add(int t) {
            Mat out = new Mat();
            resize(s.output[t], out, low, 0, 0, INTER_AREA);
            outLow[t] = out;
            // the same on low-passed frames: film grain and rain are meant to change every frame, flicker is not
            outLowPass[t] = lowPass(out);
            // the pairs this frame completes are measured now, while other frames are still being made, rather than
            // all at the end (the same measurement; a pair whose flow is not ready yet is left to finish)
            int first = -1;
            int second = -1;
            synchronized (this) {
                added[t] = true;
                if (claim(t - 1)) {
                    first = t - 1;
                }
                if (claim(t)) {
                    second = t;
                }
            }
            for (int p : new int[] {first, second}) {
                if (p >= 0) {
                    measurePair(p);
                }
            }
            if (t == s.keyIndex) {
                brisque = brisqueOfKeyFrames();
            }
            if (!sampled(t)) {
                return;
            }
            contrastOut[t] = lumaStd(out);
            try (Mat edges = EdgeMaps.canny(s.output[t]); Mat a = new Mat(); Mat b = new Mat(); Mat diff = new Mat()) {
                // edge maps compared at flow resolution: area-averaging turns thin edges into soft ridges, so a
                // one-pixel shift does not read as lost structure
                resize(edges, a, low, 0, 0, INTER_AREA);
                resize(s.edges(t), b, low, 0, 0, INTER_AREA);
                ssim[t] = EdgeMaps.ssim(a, b);
                absdiff(s.output[t], s.source.get(t), diff);
                try (Scalar m = mean(diff)) {
                    strength[t] = (m.get(0) + m.get(1) + m.get(2)) / (3 * 255.0);
                }
            }
        }

        /** Claims pair (p, p + 1) for measuring if both frames are in and its flow is ready; under {@code this}. */
        private boolean claim(int p) {
            if (p < 0 || p >= pairClaimed.length || pairClaimed[p] || !added[p] || !added[p + 1] || !s.pairReady(p)) {
                return false;
            }
            pairClaimed[p] = true;
            return true;
        }

        /** The warp errors of edited pair (p, p + 1) along the source's flow. */
        private void measurePair(int p) {
            double[] e = warpErrors(s.backward(p), s.backwardOk(p), outLow[p + 1], outLow[p], outLowPass[p + 1],
                    outLowPass[p]);
            editErr[p] = e[0];
            editLowErr[p] = e[1];
        }

        /**
         * BRISQUE of the edited key frame and of the source key frame (the source's own BRISQUE is a PROBE score;
         * this one is at the same size, so the judge blames the edit only for what it made worse); empty without the
         * model files.
         */
        private double[] brisqueOfKeyFrames() {
            Path dir = s.brisqueDir;
            if (dir == null || !Files.isReadable(dir.resolve("brisque_model_live.yml"))
                    || !Files.isReadable(dir.resolve("brisque_range_live.yml"))) {
                return new double[0];
            }
            String model = dir.resolve("brisque_model_live.yml").toString();
            String range = dir.resolve("brisque_range_live.yml").toString();
            return new double[] {brisque(s.output[s.keyIndex], model, range),
                    brisque(s.source.get(s.keyIndex), model, range)};
        }

        /** Once every frame was added: warp errors of neighbouring frames, BRISQUE, and the metrics on the state. */
        StageResult finish(Progress progress) {
            int n = s.frames();
            int[] left;
            synchronized (this) {
                left = IntStream.range(0, n - 1).filter(p -> !pairClaimed[p]).toArray();
                for (int p : left) {
                    pairClaimed[p] = true;
                }
            }
            IntStream.of(left).parallel().forEach(this::measurePair);
            for (int t = 0; t < n; t++) {
                outLow[t].close();
                outLowPass[t].close();
            }
            SourceAnalysis analysis = s.analysis;
            SourceSide side;
            if (analysis != null && analysis.sourceWarpError != null && analysis.sourceWarpErrorLowpass != null
                    && analysis.sourceContrast != null) {
                side = new SourceSide(analysis.sourceWarpError, analysis.sourceWarpErrorLowpass,
                        analysis.sourceContrast);
            } else {
                Mat[] bw = new Mat[n - 1];
                Mat[] bwOk = new Mat[n - 1];
                for (int t = 0; t < n - 1; t++) {
                    bw[t] = s.backward(t);
                    bwOk[t] = s.backwardOk(t);
                }
                side = SourceSide.measure(s.source, bw, bwOk, low);
                if (analysis != null) {
                    analysis.sourceWarpError = side.warpError();
                    analysis.sourceWarpErrorLowpass = side.warpErrorLowpass();
                    analysis.sourceContrast = side.contrast();
                }
            }
            double[] srcErr = side.warpError();
            double[] srcLowErr = side.warpErrorLowpass();
            double edited = average(editErr);
            double source = average(srcErr);
            s.metrics.put("warp_error", source > 1e-9 ? edited / source : 1.0);
            s.metrics.put("warp_error_edited", edited);
            s.metrics.put("warp_error_source", source);
            double lowSource = average(srcLowErr);
            double lowEdited = average(editLowErr);
            s.metrics.put("warp_error_lowpass", lowSource > 1e-9 ? lowEdited / lowSource : 1.0);
            s.metrics.put("warp_error_lowpass_edited", lowEdited);
            s.metrics.put("warp_error_lowpass_source", lowSource);
            int[] samples = IntStream.range(0, n).filter(this::sampled).toArray();
            s.metrics.put("edge_ssim", average(IntStream.of(samples).mapToDouble(t -> ssim[t]).toArray()));
            s.metrics.put("edit_strength", average(IntStream.of(samples).mapToDouble(t -> strength[t]).toArray()));
            // the warp error relative to each clip's contrast: a sketch that doubles the contrast is not blamed for
            // it, a night grade that halves it is not let off
            double contrastEdited = average(IntStream.of(samples).mapToDouble(t -> contrastOut[t]).toArray());
            double contrastSource = average(IntStream.of(samples).mapToDouble(t -> side.contrast()[t]).toArray());
            s.metrics.put("contrast_edited", contrastEdited);
            s.metrics.put("contrast_source", contrastSource);
            if (source > 1e-9 && contrastEdited > 1e-6 && contrastSource > 1e-6) {
                s.metrics.put("warp_error_normalised", (edited / contrastEdited) / (source / contrastSource));
            }
            progress.report("metrics", 0.8);

            double[] scores = brisque != null ? brisque : brisqueOfKeyFrames();
            if (scores.length == 2) {
                s.metrics.put("brisque", scores[0]);
                s.metrics.put("brisque_source", scores[1]);
            }
            progress.report("metrics", 1);
            return new StageResult("builtin.metrics",
                    s.metrics.containsKey("brisque") ? "warp-error+edge-ssim+edit-strength+brisque-live"
                            : "warp-error+edge-ssim+edit-strength (brisque model files missing)",
                    opencv_core.CV_VERSION);
        }
    }

    /** BRISQUE models by their files, each read once (reading the model took about as long as scoring a frame). */
    private static final java.util.Map<String, QualityBRISQUE> BRISQUE_MODELS = new java.util.HashMap<>();

    /** BRISQUE of {@code frame} with the model in files {@code model} and {@code range}; one frame at a time. */
    static synchronized double brisque(Mat frame, String model, String range) {
        QualityBRISQUE q = BRISQUE_MODELS.computeIfAbsent(model + "\n" + range,
                k -> QualityBRISQUE.create(model, range));
        try (Scalar score = q.compute(frame)) {
            return score.get(0);
        }
    }

    /** Mean absolute difference (0..1) between frame t+1 and frame t warped onto it, over consistent pixels. */
    static double warpError(Mat next, Mat previous, Mat flowNextToPrev, Mat consistent) {
        return warpErrors(flowNextToPrev, consistent, next, previous)[0];
    }

    /**
     * {@link #warpError} of several (next, previous) pairs along the same flow — {@code pairs} is next, previous,
     * next, previous, … — sampling along it with one map.
     */
    static double[] warpErrors(Mat flowNextToPrev, Mat consistent, Mat... pairs) {
        Mat[] previous = new Mat[pairs.length / 2];
        for (int i = 0; i < previous.length; i++) {
            previous[i] = pairs[2 * i + 1];
        }
        Mat[] warped = OpticalFlow.warpEach(flowNextToPrev, previous);
        double[] out = new double[previous.length];
        for (int i = 0; i < previous.length; i++) {
            try (Mat w = warped[i]; Mat diff = new Mat(); Scalar m = mean(diff(pairs[2 * i], w, diff), consistent)) {
                out[i] = (m.get(0) + m.get(1) + m.get(2)) / (3 * 255.0);
            }
        }
        return out;
    }

    /** Standard deviation of a BGR frame's luma, 0..1. */
    static double lumaStd(Mat bgr) {
        try (Mat gray = new Mat(); Mat m = new Mat(); Mat sd = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(bgr, gray,
                    org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            org.bytedeco.opencv.global.opencv_core.meanStdDev(gray, m, sd);
            try (org.bytedeco.javacpp.indexer.DoubleIndexer d = sd.createIndexer()) {
                return d.get(0) / 255.0;
            }
        }
    }

    /** A Gaussian low-pass (sigma 2 px at flow resolution): grain and specks gone, brightness and colour kept. */
    static Mat lowPass(Mat frame) {
        Mat out = new Mat();
        org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur(frame, out, new Size(0, 0), 2.0);
        return out;
    }

    private static Mat diff(Mat a, Mat b, Mat out) {
        absdiff(a, b, out);
        return out;
    }

    private static double average(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return v.length == 0 ? 0 : sum / v.length;
    }
}
