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
 * absolute colour change, 0..1) and {@code brisque} (no-reference quality of the edited key frame, lower is better).
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
        int n = s.frames();
        Size low = s.gray[0].size();
        Mat[] outLow = new Mat[n];
        Mat[] srcLow = new Mat[n];
        IntStream.range(0, n).parallel().forEach(t -> {
            outLow[t] = new Mat();
            srcLow[t] = new Mat();
            resize(s.output[t], outLow[t], low, 0, 0, INTER_AREA);
            resize(s.source.get(t), srcLow[t], low, 0, 0, INTER_AREA);
        });
        double[] editErr = new double[n - 1];
        double[] srcErr = new double[n - 1];
        IntStream.range(0, n - 1).parallel().forEach(t -> {
            editErr[t] = warpError(outLow[t + 1], outLow[t], s.backward[t], s.backwardOk[t]);
            srcErr[t] = warpError(srcLow[t + 1], srcLow[t], s.backward[t], s.backwardOk[t]);
        });
        for (int t = 0; t < n; t++) {
            outLow[t].close();
            srcLow[t].close();
        }
        progress.report(name(), 0.4);
        double edited = average(editErr);
        double source = average(srcErr);
        s.metrics.put("warp_error", source > 1e-9 ? edited / source : 1.0);
        s.metrics.put("warp_error_edited", edited);
        s.metrics.put("warp_error_source", source);

        int[] samples = IntStream.range(0, n).filter(t -> t % SAMPLE_EVERY == 0 || t == s.keyIndex).toArray();
        double[] ssim = new double[samples.length];
        double[] strength = new double[samples.length];
        IntStream.range(0, samples.length).parallel().forEach(i -> {
            int t = samples[i];
            try (Mat edges = EdgeMaps.canny(s.output[t]); Mat a = new Mat(); Mat b = new Mat(); Mat diff = new Mat()) {
                // edge maps compared at flow resolution: area-averaging turns thin edges into soft ridges, so a
                // one-pixel shift does not read as lost structure
                resize(edges, a, low, 0, 0, INTER_AREA);
                resize(s.edges[t], b, low, 0, 0, INTER_AREA);
                ssim[i] = EdgeMaps.ssim(a, b);
                absdiff(s.output[t], s.source.get(t), diff);
                try (Scalar m = mean(diff)) {
                    strength[i] = (m.get(0) + m.get(1) + m.get(2)) / (3 * 255.0);
                }
            }
        });
        s.metrics.put("edge_ssim", average(ssim));
        s.metrics.put("edit_strength", average(strength));
        progress.report(name(), 0.8);

        Path dir = s.brisqueDir;
        if (dir != null && Files.isReadable(dir.resolve("brisque_model_live.yml"))
                && Files.isReadable(dir.resolve("brisque_range_live.yml"))) {
            String model = dir.resolve("brisque_model_live.yml").toString();
            String range = dir.resolve("brisque_range_live.yml").toString();
            // the source's own BRISQUE is a PROBE score; here only the edit's
            try (Scalar edit = QualityBRISQUE.compute(s.output[s.keyIndex], model, range)) {
                s.metrics.put("brisque", edit.get(0));
            }
        }
        progress.report(name(), 1);
        return new StageResult("builtin.metrics",
                s.metrics.containsKey("brisque") ? "warp-error+edge-ssim+edit-strength+brisque-live"
                        : "warp-error+edge-ssim+edit-strength (brisque model files missing)",
                opencv_core.CV_VERSION);
    }

    /** Mean absolute difference (0..1) between frame t+1 and frame t warped onto it, over consistent pixels. */
    static double warpError(Mat next, Mat previous, Mat flowNextToPrev, Mat consistent) {
        try (Mat warped = OpticalFlow.warp(previous, flowNextToPrev); Mat diff = new Mat();
             Scalar m = mean(diff(next, warped, diff), consistent)) {
            return (m.get(0) + m.get(1) + m.get(2)) / (3 * 255.0);
        }
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
