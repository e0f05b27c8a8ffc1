package dev.ditto.runner;

import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.StageTiming;
import dev.ditto.runner.clip.ClipScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds CLIP-T and CLIP-F ({@code clip_t}, {@code clip_f} in the result's metrics) to every GENERATE result of any
 * engine, scoring the edited video the engine uploaded as {@code edited.mp4} against the job's instruction. Used
 * only when the runner has a CLIP model ({@code --clip-model DIR}).
 */
final class ClipMetrics {
    /** The artefact name both engines upload the edited video under. */
    static final String EDITED = "edited.mp4";
    /** At most this many frames are embedded per video (Ditto's clips have 81 or fewer). */
    static final int MAX_FRAMES = 81;

    private ClipMetrics() {}

    static GenerateBackend wrap(GenerateBackend backend, ClipScorer clip) {
        return (payload, sourceClip, workDir, sink, progress) -> {
            Path[] edited = new Path[1];
            ArtifactSink watching = (name, file, contentType) -> {
                if (name.equals(EDITED)) {
                    edited[0] = file;
                }
                return sink.store(name, file, contentType);
            };
            GenerateResult result = backend.run(payload, sourceClip, workDir, watching, progress);
            if (edited[0] == null) {
                return result;
            }
            long started = System.nanoTime();
            ClipScorer.Scores scores = clip.score(edited[0], payload.instruction());
            Map<String, Double> metrics = new HashMap<>(result.metrics());
            metrics.put("clip_t", scores.clipT());
            metrics.put("clip_f", scores.clipF());
            Map<String, StageTiming> timings = new HashMap<>(result.timings());
            double seconds = (System.nanoTime() - started) / 1e9;
            timings.put("clip", new StageTiming(seconds, seconds, 0));
            List<Provenance.Stage> stages = new ArrayList<>(result.provenance().stages());
            Map<String, String> details = new TreeMap<>(clip.fileHashes());
            details.put("frames", String.valueOf(scores.frames()));
            stages.add(new Provenance.Stage("clip-score", "djl-onnxruntime", clip.dir().getFileName().toString(), "",
                    0, details));
            return new GenerateResult(result.v(), result.editedVideo(), result.editedKeyFrame(), metrics, timings,
                    new Provenance(result.provenance().runner(), stages), result.frameStrips());
        };
    }
}
