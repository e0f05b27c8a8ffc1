package dev.ditto.runner.generate;

import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.vision.PersonSegmenter;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/**
 * Everything one GENERATE job's stages share: the decoded source, the flow computed once from it, the edit and its
 * output frames. Native images are released by {@link #close()}.
 */
public final class GenerationState implements AutoCloseable {
    /** Flow is computed at this fraction of the frame size: DIS at half resolution is accurate to ~0.5 px. */
    static final double FLOW_SCALE = 0.5;

    final GeneratePayload payload;
    final EditSpec spec;
    final VideoFormat format;
    final Path sourceClip;
    final Path workDir;
    final ArtifactSink sink;
    final PersonSegmenter segmenter;
    final @Nullable Path brisqueDir;

    /** Source frames, BGR, format size. */
    final List<Mat> source = new ArrayList<>();
    /** Low-resolution gray source frames the flow is computed on. */
    Mat[] gray = new Mat[0];
    /** {@code forward[t]}: flow t → t+1 in t's grid; {@code backward[t]}: t+1 → t in t+1's grid. */
    Mat[] forward = new Mat[0];
    Mat[] backward = new Mat[0];
    /** Forward–backward consistency of {@code forward[t]} (t's grid) and {@code backward[t]} (t+1's grid). */
    Mat[] forwardOk = new Mat[0];
    Mat[] backwardOk = new Mat[0];
    /** Canny edges of each source frame (structure guidance). */
    Mat[] edges = new Mat[0];
    /** Person masks, computed on demand. */
    private Mat[] masks = new Mat[0];

    int keyIndex;
    @Nullable EditPlan plan;
    /** How much of each output frame came from the propagated key frame (low-res float 0..1). */
    Mat[] propagated = new Mat[0];
    Mat[] output = new Mat[0];
    boolean masksUsed;

    final Map<String, Double> metrics = new LinkedHashMap<>();
    @Nullable Path editedVideo;
    @Nullable Path editedKeyFrame;
    dev.ditto.protocol.@Nullable BlobRef editedVideoRef;
    dev.ditto.protocol.@Nullable BlobRef editedKeyFrameRef;

    GenerationState(GeneratePayload payload, Path sourceClip, Path workDir, ArtifactSink sink,
                    PersonSegmenter segmenter, @Nullable Path brisqueDir) {
        this.payload = payload;
        this.spec = payload.edit();
        this.format = payload.format();
        this.sourceClip = sourceClip;
        this.workDir = workDir;
        this.sink = sink;
        this.segmenter = segmenter;
        this.brisqueDir = brisqueDir;
    }

    /** Number of frames in the job. */
    public int frames() {
        return source.size();
    }

    /** The metrics computed so far. */
    public Map<String, Double> metrics() {
        return Map.copyOf(metrics);
    }

    /** The person mask of source frame {@code t} (computed once, then cached). */
    Mat mask(int t) {
        synchronized (this) {
            if (masks.length != source.size()) {
                masks = new Mat[source.size()];
            }
            if (masks[t] == null) {
                masks[t] = segmenter.mask(source.get(t));
                masksUsed = true;
            }
            return masks[t];
        }
    }

    /** Throws if the job's thread was interrupted (lease lost, runner shutting down). */
    static void checkInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("GENERATE interrupted");
        }
    }

    @Override
    public void close() {
        source.forEach(Mat::close);
        source.clear();
        for (Mat[] arr : List.of(gray, forward, backward, forwardOk, backwardOk, edges, masks, propagated, output)) {
            for (Mat m : arr) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }
}
