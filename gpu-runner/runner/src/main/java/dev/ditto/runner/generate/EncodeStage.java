package dev.ditto.runner.generate;

import dev.ditto.runner.media.SegmentJoiner;
import java.util.List;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import dev.ditto.runner.Progress;
import dev.ditto.runner.media.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.IntPointer;

/** Encodes the output to the job's format (H.264 yuv420p MP4, faststart) and uploads it with the edited key frame. */
final class EncodeStage implements Stage {
    @Override
    public String name() {
        return "encode";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        String encoder;
        try (VideoWriter writer = open(s)) {
            for (int t = 0; t < s.frames(); t++) {
                GenerationState.checkInterrupted();
                writer.write(s.output[t]);
                if (t % 16 == 0) {
                    progress.report(name(), 0.8 * t / s.frames());
                }
            }
            encoder = writer.encoderName();
        }
        return finish(s, encoder, progress);
    }

    /** The writer of the edited video, in the job's format. */
    static VideoWriter open(GenerationState s) throws IOException {
        return open(s, videoFile(s));
    }

    /** A writer in the job's format to {@code file}: the edited video or a segment of it. */
    static VideoWriter open(GenerationState s, Path file) throws IOException {
        Files.createDirectories(s.workDir);
        return VideoWriter.open(file, s.format.width(), s.format.height(), s.format.fps());
    }

    /** Where the edited video is written. */
    static Path videoFile(GenerationState s) {
        return s.workDir.resolve("edited.mp4");
    }

    /** Where segment {@code name} of the edited video is written before the segments are joined. */
    static Path segmentFile(GenerationState s, String name) {
        return s.workDir.resolve("edited-" + name + ".mp4");
    }

    /** Joins the encoded segments, in order, into the edited video and deletes them; checks every frame is there. */
    static void join(GenerationState s, List<Path> segments) throws IOException {
        int frames = SegmentJoiner.join(segments, videoFile(s));
        if (frames != s.frames()) {
            throw new IOException("the joined edited video has " + frames + " frames, the job " + s.frames());
        }
        for (Path segment : segments) {
            Files.deleteIfExists(segment);
        }
    }

    /** After the video's writer closed: writes the edited key frame and uploads both. */
    static StageResult finish(GenerationState s, String encoder, Progress progress) throws IOException, InterruptedException {
        Path video = videoFile(s);
        Path key = s.workDir.resolve("edited-key-frame.jpg");
        try (IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 92)) {
            if (!imwrite(key.toString(), s.output[s.keyIndex], params)) {
                throw new IOException("could not write " + key);
            }
        }
        s.editedVideo = video;
        s.editedKeyFrame = key;
        s.editedVideoRef = s.sink.store("edited.mp4", video, "video/mp4");
        s.editedKeyFrameRef = s.sink.store("edited-key-frame.jpg", key, "image/jpeg");
        progress.report("encode", 1);
        return new StageResult("builtin.encode", encoder + " yuv420p mp4 +faststart",
                "libavcodec " + DecodeStage.versionOf(org.bytedeco.ffmpeg.global.avcodec.avcodec_version()));
    }
}
