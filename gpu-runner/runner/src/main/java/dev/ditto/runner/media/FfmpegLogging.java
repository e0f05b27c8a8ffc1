package dev.ditto.runner.media;

import org.bytedeco.ffmpeg.global.avutil;

/** Keeps FFmpeg's own console chatter quiet: failures surface as exceptions instead. */
final class FfmpegLogging {
    private static volatile boolean quiet;

    private FfmpegLogging() {}

    static void quiet() {
        if (!quiet) {
            avutil.av_log_set_level(avutil.AV_LOG_FATAL);
            quiet = true;
        }
    }
}
