package dev.ditto.runner.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Joins MP4 segments that {@link VideoWriter} encoded with the same settings into one MP4 ({@code +faststart}),
 * copying their H.264 packets without re-encoding: each segment starts with an IDR frame, so the joined stream
 * decodes as one. Segments whose stream parameters differ (size, codec, SPS/PPS) are refused.
 */
public final class SegmentJoiner {
    private SegmentJoiner() {}

    /** Writes {@code parts}, in order, as one video to {@code out}; returns the number of frames written. */
    public static int join(List<Path> parts, Path out) throws IOException {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to join");
        }
        FfmpegLogging.quiet();
        FFmpegFrameGrabber first = open(parts.getFirst());
        FFmpegFrameRecorder recorder = null;
        int frames = 0;
        try {
            AVStream firstStream = videoStream(first, parts.getFirst());
            AVRational base = firstStream.time_base();
            byte[] extradata = extradata(firstStream.codecpar());
            recorder = new FFmpegFrameRecorder(out.toFile(), first.getImageWidth(), first.getImageHeight(), 0);
            recorder.setFormat("mp4");
            recorder.setOption("movflags", "+faststart");
            recorder.setFrameRate(first.getFrameRate());
            recorder.start(first.getFormatContext());
            long offset = 0;
            for (int i = 0; i < parts.size(); i++) {
                FFmpegFrameGrabber part = i == 0 ? first : open(parts.get(i));
                try {
                    AVStream stream = videoStream(part, parts.get(i));
                    check(stream, firstStream, extradata, parts.get(i));
                    long end = offset;
                    for (AVPacket p = part.grabPacket(); p != null; p = part.grabPacket()) {
                        if (p.stream_index() != stream.index()) {
                            continue;
                        }
                        long pts = p.pts() + offset;
                        long dts = p.dts() + offset;
                        end = Math.max(end, pts + Math.max(1, p.duration()));
                        // the recorder rescales from the first segment's stream, whose time base all parts share
                        p.stream_index(firstStream.index());
                        p.pts(pts);
                        p.dts(dts);
                        recorder.recordPacket(p);
                        frames++;
                    }
                    offset = end;
                } finally {
                    if (part != first) {
                        close(part);
                    }
                }
            }
            recorder.stop();
            return frames;
        } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
            throw new IOException("joining " + parts + " into " + out + " failed: " + e.getMessage(), e);
        } finally {
            if (recorder != null) {
                try {
                    recorder.release();
                } catch (FrameRecorder.Exception e) {
                    // the join's own outcome is what the caller needs
                }
            }
            close(first);
        }
    }

    private static FFmpegFrameGrabber open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("segment " + file + " is missing");
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            close(g);
            throw new IOException("segment " + file + " is not a readable video: " + e.getMessage(), e);
        }
        return g;
    }

    private static AVStream videoStream(FFmpegFrameGrabber g, Path file) throws IOException {
        var ctx = g.getFormatContext();
        for (int i = 0; i < ctx.nb_streams(); i++) {
            AVStream s = ctx.streams(i);
            if (s.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                return s;
            }
        }
        throw new IOException("segment " + file + " has no video stream");
    }

    private static void check(AVStream s, AVStream first, byte[] extradata, Path file) throws IOException {
        AVCodecParameters a = s.codecpar();
        AVCodecParameters b = first.codecpar();
        if (a.codec_id() != b.codec_id() || a.width() != b.width() || a.height() != b.height()
                || a.format() != b.format()) {
            throw new IOException("segment " + file + " was encoded differently (" + a.width() + "x" + a.height()
                    + ", codec " + a.codec_id() + ") from the first (" + b.width() + "x" + b.height() + ", codec "
                    + b.codec_id() + ")");
        }
        if (s.time_base().num() != first.time_base().num() || s.time_base().den() != first.time_base().den()) {
            throw new IOException("segment " + file + " has time base " + s.time_base().num() + "/"
                    + s.time_base().den() + ", the first " + first.time_base().num() + "/" + first.time_base().den());
        }
        if (!Arrays.equals(extradata(a), extradata)) {
            throw new IOException("segment " + file + " has other H.264 parameter sets (SPS/PPS) than the first");
        }
    }

    private static byte[] extradata(AVCodecParameters p) {
        int size = p.extradata_size();
        if (size <= 0 || p.extradata() == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[size];
        ByteBuffer buffer = p.extradata().capacity(size).asByteBuffer();
        buffer.get(bytes);
        return bytes;
    }

    private static void close(FFmpegFrameGrabber g) {
        try {
            g.stop();
            g.release();
        } catch (FrameGrabber.Exception e) {
            // nothing more to release
        }
    }
}
