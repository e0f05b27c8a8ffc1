package dev.ditto.runner.generate;

import dev.ditto.protocol.FrameStrips;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.BadVideoException;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/**
 * The judge's view of an edited video made elsewhere (a ComfyUI route): the same temporal metrics the built-in engine
 * reports ({@code warp_error} against the source's own flow, {@code edge_ssim}, {@code edit_strength},
 * {@code warp_error_lowpass}, BRISQUE when its model files are present; see {@link MetricsStage}) and the same frame
 * strips ({@link FrameStripWriter}), so a remote model's output is judged on the same evidence as a built-in one.
 */
public final class OutputMeasurement {
    private OutputMeasurement() {}

    /** What was measured: the metrics and the uploaded strips. */
    public record Result(Map<String, Double> metrics, FrameStrips strips, String engine, String model, String version) {}

    /**
     * Decodes the source and the edited clip (both at {@code format}), computes the source's flow and edges, then the
     * metrics and strips. The edited clip must have as many frames as the source after normalisation.
     */
    public static Result measure(GeneratePayload payload, VideoFormat format, Path sourceClip, Path editedClip,
                                 Path workDir, ArtifactSink sink, @Nullable Path brisqueDir, Progress progress)
            throws java.io.IOException, InterruptedException {
        try {
            return measured(payload, format, sourceClip, editedClip, workDir, sink, brisqueDir, progress);
        } catch (java.io.IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.io.IOException("measuring the edited video failed: " + e.getMessage(), e);
        }
    }

    private static Result measured(GeneratePayload payload, VideoFormat format, Path sourceClip, Path editedClip,
                                   Path workDir, ArtifactSink sink, @Nullable Path brisqueDir, Progress progress)
            throws Exception {
        try (GenerationState s = new GenerationState(payload, format, sourceClip, workDir, sink, null, brisqueDir)) {
            new DecodeStage().run(s, progress);
            int n = s.frames();
            if (n < 2) {
                throw new BadVideoException(sourceClip, "has " + n + " frame(s); measuring an edit needs at least 2");
            }
            new StructureGuidanceStage().run(s, progress);
            s.keyIndex = KeyFrameEditStage.keyIndex(n);
            List<Mat> edited;
            try (VideoReader reader = VideoReader.open(editedClip)) {
                edited = ClipNormaliser.normalise(reader, format, 0);
            }
            if (edited.size() != n) {
                edited.forEach(Mat::close);
                throw new BadVideoException(editedClip, "the edited video has " + edited.size() + " frames where the source has "
                        + n + " at " + format.width() + "x" + format.height() + " " + format.fps()
                        + " fps; frame-by-frame metrics need both to match");
            }
            s.output = edited.toArray(Mat[]::new);
            s.awaitGuidance();
            StageResult metrics = new MetricsStage().run(s, progress);
            FrameStrips strips = FrameStripWriter.write(s);
            return new Result(s.metrics(), strips, metrics.engine(), metrics.model(), metrics.version());
        }
    }
}
