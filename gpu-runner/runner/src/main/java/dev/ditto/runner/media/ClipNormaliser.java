package dev.ditto.runner.media;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.protocol.VideoFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Brings any clip to a {@link VideoFormat}: resamples to the target frame rate (nearest frame in time), scales to
 * cover the target size and crops the centre, and takes exactly {@code format.frames()} frames.
 */
public final class ClipNormaliser {
    private ClipNormaliser() {}

    /** Scales {@code src} to cover {@code width}×{@code height} and crops the centre, in one resample. */
    public static Mat coverAndCrop(Mat src, int width, int height) {
        double scale = Math.max(width / (double) src.cols(), height / (double) src.rows());
        int cropW = Math.min(src.cols(), (int) Math.round(width / scale));
        int cropH = Math.min(src.rows(), (int) Math.round(height / scale));
        int x = (src.cols() - cropW) / 2;
        int y = (src.rows() - cropH) / 2;
        Mat out = new Mat();
        try (Rect roi = new Rect(x, y, cropW, cropH); Mat view = src.apply(roi); Size size = new Size(width, height)) {
            if (cropW == width && cropH == height) {
                view.copyTo(out);
            } else {
                resize(view, out, size, 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
            }
        }
        return out;
    }

    /**
     * Reads {@code format.frames()} frames starting at {@code startSeconds}, resampled to {@code format.fps()} (the
     * decoded frame nearest in time to each output tick) and fitted to the format's size. Throws
     * {@link BadVideoException} when the clip ends before the last tick.
     */
    public static List<Mat> normalise(VideoReader reader, VideoFormat format, double startSeconds) throws IOException {
        List<Mat> out = new ArrayList<>(format.frames());
        double sourceStep = 1.0 / reader.info().fps();
        DecodedFrame current = reader.read();
        DecodedFrame next = null;
        // whether current's image already went out: a frame of the format's size goes out as it is the first time
        // (the decoded frame is the caller's to keep), and as a copy when the same frame fills another tick
        boolean handedOut = false;
        boolean ok = false;
        try {
            next = reader.read();
            for (int i = 0; i < format.frames(); i++) {
                double target = startSeconds + i / (double) format.fps();
                while (next != null && Math.abs(next.seconds() - target) <= Math.abs(current.seconds() - target)) {
                    current.close();
                    current = next;
                    handedOut = false;
                    next = reader.read();
                }
                if (next == null && target - current.seconds() > Math.max(sourceStep, 1.0 / format.fps())) {
                    throw new BadVideoException(reader.file(), String.format(
                            "too short: %d of %d frames at %d fps from %.2f s (the video ends at %.2f s)",
                            out.size(), format.frames(), format.fps(), startSeconds, current.seconds()));
                }
                Mat image = current.image();
                if (!handedOut && image.cols() == format.width() && image.rows() == format.height()) {
                    // shares the pixels (OpenCV counts the references): closing current later leaves them to out
                    out.add(new Mat(image));
                    handedOut = true;
                } else {
                    out.add(coverAndCrop(image, format.width(), format.height()));
                }
            }
            ok = true;
            return out;
        } finally {
            current.close();
            if (next != null) {
                next.close();
            }
            if (!ok) {
                out.forEach(Mat::close);
            }
        }
    }

    /** Normalises {@code in} (from {@code startSeconds}) and writes it to {@code out} as H.264 MP4. */
    public static VideoInfo normaliseFile(Path in, Path out, VideoFormat format, double startSeconds) throws IOException {
        List<Mat> frames;
        try (VideoReader reader = VideoReader.open(in)) {
            frames = normalise(reader, format, startSeconds);
        }
        try (VideoWriter writer = VideoWriter.open(out, format.width(), format.height(), format.fps())) {
            for (Mat m : frames) {
                writer.write(m);
            }
        } finally {
            frames.forEach(Mat::close);
        }
        return new VideoInfo(format.width(), format.height(), format.fps(), format.frames(), format.seconds(), "h264",
                false);
    }
}
