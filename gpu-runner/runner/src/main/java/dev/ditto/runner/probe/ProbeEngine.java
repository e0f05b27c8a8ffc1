package dev.ditto.runner.probe;

import dev.ditto.runner.vision.ObjectDetector;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.JobPayload;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.ArtifactSink;
import dev.ditto.runner.BadInputException;
import dev.ditto.runner.Progress;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoInfo;
import dev.ditto.runner.media.VideoReader;
import dev.ditto.runner.media.VideoWriter;
import dev.ditto.runner.models.ScoreProvenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROBE: reads what the source is, finds its scene cuts, cuts training-format clips (scaled, centre-cropped, resampled
 * to the format's fps, H.264 yuv420p faststart), and scores each clip: motion, pHash, BRISQUE, people, faces, burned-in
 * text and dominant colours. Uploads each clip with a key frame and a thumbnail.
 */
public final class ProbeEngine {
    private static final Logger log = LoggerFactory.getLogger(ProbeEngine.class);
    /** Motion above this (px/frame at the clip's size) is tagged {@code high_motion}; below the static bound, {@code static}. */
    static final double HIGH_MOTION = 4.0;
    static final double STATIC_MOTION = 0.3;
    static final double PEOPLE_AREA = 0.02;
    static final double TEXT_AREA = 0.01;
    static final int PERSON_SAMPLES = 5;
    /** JPEG frames per clip uploaded for the server's captioner (half resolution), spread across the clip. */
    static final int CAPTION_FRAMES = 4;

    private final ProbeDetectors detectors;
    private final ProbeLimits limits;
    private final String runnerName;

    private dev.ditto.runner.generate.@org.jspecify.annotations.Nullable SourceAnalysisCache analyses;
    private @org.jspecify.annotations.Nullable Analyser analyser;

    /** Computes the built-in engine's analysis of a clip file ({@code GenerateEngine::analyse}). */
    @FunctionalInterface
    public interface Analyser {
        dev.ditto.runner.generate.SourceAnalysis analyse(Path clip, VideoFormat format) throws IOException;
    }

    public ProbeEngine(ProbeDetectors detectors, ProbeLimits limits, String runnerName) {
        this.detectors = detectors;
        this.limits = limits;
        this.runnerName = runnerName;
    }

    /**
     * Computes each clip's analysis for the built-in engine (flow, edges, the metrics' source side) at PROBE and keeps
     * it in {@code cache} for this runner's GENERATE jobs of the clip. It is not uploaded: it is ~15× the clip's bytes
     * and a runner without it computes it at the clip's first GENERATE (docs/builtin-engine.md). Null: no analysis at
     * PROBE (GENERATE computes it).
     */
    public ProbeEngine withAnalysis(dev.ditto.runner.generate.@org.jspecify.annotations.Nullable SourceAnalysisCache cache,
                                    @org.jspecify.annotations.Nullable Analyser analyser) {
        this.analyses = cache;
        this.analyser = analyser;
        return this;
    }

    /** Adapts this engine to the runner's job loop. */
    public ProbeResult run(JobPayload payload, Path source, Path workDir, ArtifactSink sink, Progress progress)
            throws IOException, InterruptedException {
        if (!(payload instanceof ProbePayload probe)) {
            throw new IllegalArgumentException("PROBE engine got a " + payload.getClass().getSimpleName());
        }
        return run(probe, source, workDir, sink, progress);
    }

    /** Runs PROBE on a downloaded source file. */
    public ProbeResult run(ProbePayload payload, Path source, Path workDir, ArtifactSink sink, Progress progress)
            throws IOException, InterruptedException {
        VideoFormat format = payload.format() == null ? VideoFormat.DITTO_DEFAULT : payload.format();
        StageClock clock = new StageClock();
        String name = payload.originalName();

        progress.report("inspect", 0);
        VideoInfo info;
        SceneCutDetector.Scan scan;
        try (StageClock.Lap lap = clock.start("scene-detect"); VideoReader reader = VideoReader.open(source)) {
            info = reader.info();
            check(info, name);
            scan = SceneCutDetector.scan(reader, progress);
        }
        log.info("Source {} '{}': {}x{} {} {} fps, {} s decoded ({} frames), {} scene cut(s)", payload.sourceId(), name,
                info.width(), info.height(), info.codec(), fmt(info.fps()), fmt(scan.durationSeconds()), scan.frames(),
                scan.cuts().size());

        double declared = info.durationSeconds();
        if (declared > 2 && scan.durationSeconds() < 0.75 * declared && declared - scan.durationSeconds() > 1) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "Source %d '%s' is truncated or corrupt: the container declares %.2f s but only %.2f s (%d frames) "
                            + "decode. Re-upload the complete file.", payload.sourceId(), name, declared,
                    scan.durationSeconds(), scan.frames()));
        }
        List<ClipPlanner.Window> windows = ClipPlanner.plan(scan.cuts(), scan.durationSeconds(), format.seconds(),
                payload.minClipSeconds(), payload.maxClipSeconds(), limits.maxClips());
        if (windows.isEmpty()) {
            if (scan.durationSeconds() < format.seconds()) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "Source %d '%s' lasts %.2f s; a training clip needs %.2f s (%d frames at %d fps). "
                                + "Upload a longer video.", payload.sourceId(), name, scan.durationSeconds(),
                        format.seconds(), format.frames(), format.fps()));
            }
            throw new BadInputException(String.format(Locale.ROOT,
                    "Source %d '%s' (%.2f s) has no shot of at least %.2f s between scene cuts at %s; nothing to cut. "
                            + "Lower min clip seconds or upload longer shots.", payload.sourceId(), name,
                    scan.durationSeconds(), Math.max(format.seconds(), payload.minClipSeconds()), scan.cuts()));
        }

        List<ClipResult> clips = new ArrayList<>();
        Set<String> tags = new LinkedHashSet<>();
        try (VideoReader reader = VideoReader.open(source)) {
            for (int i = 0; i < windows.size(); i++) {
                ClipPlanner.Window w = windows.get(i);
                progress.report("clip " + (i + 1) + "/" + windows.size(), i / (double) windows.size());
                if (Thread.interrupted()) {
                    throw new InterruptedException("PROBE of source " + payload.sourceId() + " interrupted");
                }
                List<Mat> frames;
                try (StageClock.Lap lap = clock.start("normalise")) {
                    frames = ClipNormaliser.normalise(reader, format, w.start());
                }
                try {
                    clips.add(clip(i, w, frames, format, workDir, sink, clock, tags));
                } finally {
                    frames.forEach(Mat::close);
                }
            }
        }
        progress.report("report", 1);

        List<Provenance.Stage> stages = new ArrayList<>();
        stages.add(ScoreProvenance.produced("decode", "ffmpeg", info.codec(), "ffmpeg " + avutil.av_version_info().getString()));
        stages.add(ScoreProvenance.produced("scene-detect", "builtin", String.format(Locale.ROOT,
                "hsv-histogram-bhattacharyya > %.2f", SceneCutDetector.CUT_DISTANCE), "1"));
        stages.add(ScoreProvenance.produced("normalise", "ffmpeg", String.format(Locale.ROOT,
                "%dx%d %d frames %d fps, cover + centre crop, h264 yuv420p faststart", format.width(), format.height(),
                format.frames(), format.fps()), ProbeDetectors.openCvVersion()));
        stages.addAll(detectors.provenance());
        return new ProbeResult(1, scan.durationSeconds(), info.fps(), info.width(), info.height(), info.codec(), clips,
                List.copyOf(tags), clock.timings(), new Provenance(runnerName, stages));
    }

    private ClipResult clip(int index, ClipPlanner.Window window, List<Mat> frames, VideoFormat format, Path workDir,
                            ArtifactSink sink, StageClock clock, Set<String> tags) throws IOException, InterruptedException {
        String base = String.format(Locale.ROOT, "clip-%03d", index);
        Path video = workDir.resolve(base + ".mp4");
        try (StageClock.Lap lap = clock.start("encode");
             VideoWriter writer = VideoWriter.open(video, format.width(), format.height(), format.fps())) {
            for (Mat frame : frames) {
                writer.write(frame);
            }
        }
        Mat key = frames.get(frames.size() / 2);
        Path keyFile = workDir.resolve(base + "-key.jpg");
        Path thumbFile = workDir.resolve(base + "-thumb.jpg");
        try (StageClock.Lap lap = clock.start("key-frames")) {
            writeJpeg(keyFile, key, 92);
            try (Mat thumb = new Mat(); Size size = new Size(format.width() / 4, format.height() / 4)) {
                resize(key, thumb, size, 0, 0, INTER_AREA);
                writeJpeg(thumbFile, thumb, 85);
            }
        }

        List<Path> captionFiles = new ArrayList<>();
        try (StageClock.Lap lap = clock.start("caption-frames")) {
            for (int c = 0; c < CAPTION_FRAMES; c++) {
                Mat frame = frames.get(captionFrameIndex(c, frames.size()));
                Path file = workDir.resolve(String.format(Locale.ROOT, "%s-caption-%d.jpg", base, c));
                try (Mat small = new Mat(); Size size = new Size(format.width() / 2, format.height() / 2)) {
                    resize(frame, small, size, 0, 0, INTER_AREA);
                    writeJpeg(file, small, 85);
                }
                captionFiles.add(file);
            }
        }

        Map<String, Double> scores = new LinkedHashMap<>();
        try (StageClock.Lap lap = clock.start("motion")) {
            scores.put("motion", round(MotionScorer.score(frames)));
        }
        String hash;
        try (StageClock.Lap lap = clock.start("phash")) {
            hash = PerceptualHash.hex(key);
        }
        BrisqueScorer brisque = detectors.brisque();
        if (brisque != null) {
            try (StageClock.Lap lap = clock.start("brisque")) {
                scores.put("brisque", round(brisque.score(key)));
            }
        }
        PersonDetector people = detectors.people();
        if (people != null) {
            try (StageClock.Lap lap = clock.start("people")) {
                int withPerson = 0;
                double maxArea = 0;
                for (int s = 0; s < PERSON_SAMPLES; s++) {
                    double area = people.personArea(frames.get(s * (frames.size() - 1) / (PERSON_SAMPLES - 1)));
                    maxArea = Math.max(maxArea, area);
                    if (area >= PEOPLE_AREA) {
                        withPerson++;
                    }
                }
                scores.put("people", round(withPerson / (double) PERSON_SAMPLES));
                scores.put("person_area", round(maxArea));
            }
        }
        FaceCounter faces = detectors.faces();
        if (faces != null) {
            try (StageClock.Lap lap = clock.start("faces")) {
                int most = 0;
                for (Mat f : List.of(frames.getFirst(), key, frames.getLast())) {
                    most = Math.max(most, faces.count(f));
                }
                scores.put("faces", (double) most);
            }
        }
        TextDetector text = detectors.text();
        if (text != null) {
            try (StageClock.Lap lap = clock.start("text_overlay")) {
                scores.put("text_overlay", round(text.textArea(key)));
            }
        }
        ObjectDetector objects = detectors.objects();
        List<String> objectTags = List.of();
        float[] embedding = null;
        if (objects != null) {
            try (StageClock.Lap lap = clock.start("objects")) {
                ObjectFindings found = objectScores(objects, List.of(frames.getFirst(), key, frames.getLast()), scores);
                objectTags = found.tags();
                embedding = found.embedding();
            }
        }
        List<String> colours;
        try (StageClock.Lap lap = clock.start("colours")) {
            colours = ColourTags.of(key);
        }
        tags.addAll(tagsFor(scores));
        tags.addAll(objectTags);
        tags.addAll(colours);

        BlobRef videoBlob;
        BlobRef keyBlob;
        BlobRef thumbBlob;
        List<BlobRef> captionBlobs = new ArrayList<>();
        try (StageClock.Lap lap = clock.start("upload")) {
            videoBlob = sink.store(base + ".mp4", video, "video/mp4");
            keyBlob = sink.store(base + "-key.jpg", keyFile, "image/jpeg");
            thumbBlob = sink.store(base + "-thumb.jpg", thumbFile, "image/jpeg");
            for (Path file : captionFiles) {
                captionBlobs.add(sink.store(file.getFileName().toString(), file, "image/jpeg"));
            }
        }
        var cache = analyses;
        Analyser analyse = analyser;
        if (cache != null && analyse != null) {
            // what every GENERATE of this clip would compute: once here, from the clip as GENERATE decodes it; kept in
            // this runner's cache only (never uploaded: nothing on the server would own or read it)
            try (StageClock.Lap lap = clock.start("analysis")) {
                cache.store(dev.ditto.runner.generate.SourceAnalysis.sha256(video), analyse.analyse(video, format));
            }
        }
        log.info("Clip {} [{}..{} s]: {} phash {} colours {}", index, fmt(window.start()), fmt(window.end()), scores, hash, colours);
        return new ClipResult(index, round(window.start()), round(window.end()), videoBlob, keyBlob, thumbBlob, scores, hash,
                captionBlobs, embedding);
    }

    /** Frame {@code c} of the {@link #CAPTION_FRAMES} caption frames: the middles of equal parts of the clip. */
    static int captionFrameIndex(int c, int frameCount) {
        return Math.min(frameCount - 1, (int) ((c + 0.5) * frameCount / CAPTION_FRAMES));
    }

    /**
     * Objects in the sampled frames: score {@code object_<class>} is the largest box's share of the frame, and a class
     * seen in at least two of the samples is tagged {@code object:<class>} (one sighting may be a false detection).
     * People are the person detector's business and are not tagged here. The same forward passes give the clip's
     * embedding: the samples' backbone features averaged and L2-normalised (null when the model has no such layer).
     */
    static ObjectFindings objectScores(ObjectDetector detector, List<Mat> samples, Map<String, Double> scores) {
        Map<String, Integer> seen = new java.util.TreeMap<>();
        Map<String, Double> area = new java.util.TreeMap<>();
        float[] sum = null;
        for (Mat f : samples) {
            Set<String> inFrame = new java.util.HashSet<>();
            ObjectDetector.Analysis analysis = detector.analyse(f);
            if (analysis.embedding() != null) {
                float[] e = analysis.embedding();
                sum = sum == null ? new float[e.length] : sum;
                for (int i = 0; i < e.length; i++) {
                    sum[i] += e[i];
                }
            }
            for (ObjectDetector.Detection d : analysis.detections()) {
                if (d.label().equals("person")) {
                    continue;
                }
                area.merge(d.label(), d.areaFraction(f.cols(), f.rows()), Math::max);
                inFrame.add(d.label());
            }
            inFrame.forEach(l -> seen.merge(l, 1, Integer::sum));
        }
        List<String> tags = new ArrayList<>();
        for (Map.Entry<String, Double> e : area.entrySet()) {
            scores.put("object_" + e.getKey(), round(e.getValue()));
            if (seen.get(e.getKey()) >= Math.min(2, samples.size())) {
                tags.add("object:" + e.getKey());
            }
        }
        return new ObjectFindings(tags, sum == null ? null : ObjectDetector.normalised(sum));
    }

    /** What the object detector found in a clip: its tags, and the clip's embedding (null without one). */
    record ObjectFindings(List<String> tags, float @Nullable [] embedding) {}

    static List<String> tagsFor(Map<String, Double> scores) {
        List<String> tags = new ArrayList<>();
        Double motion = scores.get("motion");
        if (motion != null && motion >= HIGH_MOTION) {
            tags.add("high_motion");
        }
        if (motion != null && motion < STATIC_MOTION) {
            tags.add("static");
        }
        Double people = scores.get("people");
        if (people != null && people >= 0.5) {
            tags.add("people");
        }
        Double faces = scores.get("faces");
        if (faces != null && faces >= 1) {
            tags.add("faces");
        }
        Double text = scores.get("text_overlay");
        if (text != null && text >= TEXT_AREA) {
            tags.add("text_overlay");
        }
        return tags;
    }

    private void check(VideoInfo info, String name) throws BadInputException {
        int w = info.width();
        int h = info.height();
        if (Math.min(w, h) < limits.minSide()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "'%s' is %dx%d; frames must be at least %d px on each side to make %s clips", name, w, h,
                    limits.minSide(), "training"));
        }
        double aspect = Math.max(w, h) / (double) Math.min(w, h);
        if (aspect > limits.maxAspect()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "'%s' is %dx%d (aspect %.1f:1); sources wider or taller than %.0f:1 cannot be centre-cropped to "
                            + "the training format", name, w, h, aspect, limits.maxAspect()));
        }
        if (info.durationSeconds() > limits.maxSourceSeconds()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "'%s' lasts %.0f s, over the %.0f s limit for one source; split it before uploading", name,
                    info.durationSeconds(), limits.maxSourceSeconds()));
        }
    }

    private static void writeJpeg(Path file, Mat image, int quality) throws IOException {
        try (IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!imwrite(file.toString(), image, params)) {
                throw new IOException("could not write " + file);
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
