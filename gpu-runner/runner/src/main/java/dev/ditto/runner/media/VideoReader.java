package dev.ditto.runner.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jspecify.annotations.Nullable;

/** Decodes a video file frame by frame into BGR OpenCV images, refusing anything that is not a usable video. */
public final class VideoReader implements AutoCloseable {
    /** Largest frame accepted (8K UHD); larger streams are refused before decoding. */
    public static final long MAX_PIXELS = 7680L * 4320L;

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final VideoInfo info;
    private long firstTimestamp = Long.MIN_VALUE;
    private int delivered;

    private VideoReader(Path file, FFmpegFrameGrabber grabber, VideoInfo info) {
        this.file = file;
        this.grabber = grabber;
        this.info = info;
    }

    /** Opens {@code file} and reads its stream metadata; throws {@link BadVideoException} for anything unusable. */
    public static VideoReader open(Path file) throws BadVideoException {
        FfmpegLogging.quiet();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BadVideoException(file, "cannot read the file", e);
        }
        if (size == 0) {
            throw new BadVideoException(file, "the file is empty (0 bytes)");
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        grabber.setVideoOption("threads", "auto");
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new BadVideoException(file, "not a readable video container (corrupt, truncated or not a video)", e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            String what = grabber.hasAudio() ? "it holds only audio" : "it holds no video stream";
            closeQuietly(grabber);
            throw new BadVideoException(file, what);
        }
        int width = grabber.getImageWidth();
        int height = grabber.getImageHeight();
        if ((long) width * height > MAX_PIXELS) {
            closeQuietly(grabber);
            throw new BadVideoException(file, "frame size " + width + "x" + height + " exceeds the 8K limit");
        }
        double fps = grabber.getFrameRate();
        if (!(fps > 0) || fps > 1000) {
            fps = grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : 25.0;
        }
        double duration = Math.max(0, grabber.getLengthInTime() / 1e6);
        int frames = grabber.getLengthInVideoFrames();
        if (frames <= 0) {
            frames = (int) Math.round(duration * fps);
        }
        String codec = grabber.getVideoCodecName();
        VideoInfo info = new VideoInfo(width, height, fps, frames, duration,
                codec == null || codec.isBlank() ? "unknown" : codec, grabber.hasAudio());
        return new VideoReader(file, grabber, info);
    }

    /** Stream metadata read at open. */
    public VideoInfo info() {
        return info;
    }

    /** The next frame, or {@code null} at the end of the stream. The caller owns (and closes) the returned image. */
    public @Nullable DecodedFrame read() throws BadVideoException {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new BadVideoException(file, "decoding failed after " + delivered + " frames", e);
        }
        if (frame == null || frame.image == null) {
            if (delivered == 0) {
                throw new BadVideoException(file, "the video stream holds no decodable frames");
            }
            return null;
        }
        Mat view = converter.convert(frame);
        if (view == null || view.empty()) {
            throw new BadVideoException(file, "decoder returned an empty image at frame " + delivered);
        }
        if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = frame.timestamp;
        }
        double seconds = (frame.timestamp - firstTimestamp) / 1e6;
        if (seconds < 0 || frame.timestamp == 0 && delivered > 0) {
            seconds = delivered / info.fps();
        }
        delivered++;
        return new DecodedFrame(view.clone(), seconds);
    }

    /** Reads up to {@code maxFrames} frames from the current position. */
    public List<Mat> readAll(int maxFrames) throws BadVideoException {
        List<Mat> out = new ArrayList<>();
        while (out.size() < maxFrames) {
            DecodedFrame f = read();
            if (f == null) {
                break;
            }
            out.add(f.image());
        }
        return out;
    }

    /** The file being read. */
    public Path file() {
        return file;
    }

    /** Frames delivered so far. */
    public int framesRead() {
        return delivered;
    }

    @Override
    public void close() {
        closeQuietly(grabber);
        converter.close();
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (Exception ignored) {
            // nothing left to release that the caller could act on
        }
    }
}
