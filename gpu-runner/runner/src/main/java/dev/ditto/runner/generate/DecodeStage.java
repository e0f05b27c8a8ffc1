package dev.ditto.runner.generate;

import dev.ditto.runner.Progress;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.VideoReader;
import org.bytedeco.ffmpeg.global.avformat;

/** Decodes the source clip into format-sized BGR frames (normalising it if it is not already in the format). */
final class DecodeStage implements Stage {
    @Override
    public String name() {
        return "decode";
    }

    @Override
    public StageResult run(GenerationState s, Progress progress) throws Exception {
        progress.report(name(), 0);
        try (VideoReader reader = VideoReader.open(s.sourceClip)) {
            s.source.addAll(ClipNormaliser.normalise(reader, s.format, 0));
        }
        progress.report(name(), 1);
        return new StageResult("builtin.decode", "ffmpeg", "libavformat " + versionOf(avformat.avformat_version()));
    }

    static String versionOf(int v) {
        return (v >> 16) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
    }
}
