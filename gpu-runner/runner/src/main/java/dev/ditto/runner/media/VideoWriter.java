package dev.ditto.runner.media;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes BGR frames to an H.264 ({@code yuv420p}) MP4 with the index up front ({@code +faststart}) so browsers can
 * stream it. The LGPL FFmpeg build encodes H.264 with libopenh264, which is steered by bitrate, not CRF.
 */
public final class VideoWriter implements AutoCloseable {
    private final Path file;
    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final int width;
    private final int height;
    private int written;
    private boolean closed;

    private VideoWriter(Path file, FFmpegFrameRecorder recorder, int width, int height) {
        this.file = file;
        this.recorder = recorder;
        this.width = width;
        this.height = height;
    }

    /** Opens {@code file} for writing {@code width}×{@code height} frames at {@code fps}; bitrate scales with size. */
    public static VideoWriter open(Path file, int width, int height, int fps) throws java.io.IOException {
        if (width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("yuv420p needs even width and height, got " + width + "x" + height);
        }
        FfmpegLogging.quiet();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setGopSize(fps * 2);
        // ~0.25 bits per pixel per frame: visually clean at 832x480x20 (≈2 Mbit/s) for training data
        recorder.setVideoBitrate((int) Math.min(20_000_000L, Math.round(width * (double) height * fps * 0.25)));
        recorder.setOption("movflags", "+faststart");
        recorder.setVideoOption("threads", "auto");
        recorder.setVideoOption("allow_skip_frames", "0");
        try {
            recorder.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            try {
                recorder.release();
            } catch (Exception ignored) {
                // the start failure is what the caller needs to see
            }
            throw new java.io.IOException("Cannot open H.264 encoder for " + file + ": " + e.getMessage(), e);
        }
        return new VideoWriter(file, recorder, width, height);
    }

    /** Appends one BGR {@code CV_8UC3} frame of exactly the writer's size. */
    public void write(Mat bgr) throws java.io.IOException {
        if (bgr.cols() != width || bgr.rows() != height || bgr.channels() != 3) {
            throw new IllegalArgumentException("frame " + written + " is " + bgr.cols() + "x" + bgr.rows() + "x"
                    + bgr.channels() + ", writer expects " + width + "x" + height + "x3");
        }
        try {
            recorder.record(converter.convert(bgr), avutil.AV_PIX_FMT_BGR24);
        } catch (FrameRecorder.Exception e) {
            throw new java.io.IOException("Encoding frame " + written + " of " + file + " failed: " + e.getMessage(), e);
        }
        written++;
    }

    /** Frames written so far. */
    public int framesWritten() {
        return written;
    }

    /** The encoder FFmpeg picked (e.g. {@code libopenh264}). */
    public String encoderName() {
        String name = recorder.getVideoCodecName();
        return name == null ? "h264" : name;
    }

    @Override
    public void close() throws java.io.IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            throw new java.io.IOException("Finishing " + file + " failed: " + e.getMessage(), e);
        } finally {
            converter.close();
        }
    }
}
