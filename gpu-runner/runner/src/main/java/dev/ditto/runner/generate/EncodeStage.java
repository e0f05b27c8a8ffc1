package dev.ditto.runner.generate;

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
        Files.createDirectories(s.workDir);
        return VideoWriter.open(s.workDir.resolve("edited.mp4"), s.format.width(), s.format.height(), s.format.fps());
    }

    /** After the video's writer closed: writes the edited key frame and uploads both. */
    static StageResult finish(GenerationState s, String encoder, Progress progress) throws IOException, InterruptedException {
        Path video = s.workDir.resolve("edited.mp4");
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
