package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.FrameStrips;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.jspecify.annotations.Nullable;

/**
 * The judge's view across the clip: {@value #FRAMES} frames of the source and of the edited video at the same
 * indices, evenly spread over the clip, each set written as one JPEG contact sheet of {@value #TILE_WIDTH}-px-wide
 * tiles, and, when the edit acts on a region — the person mask, the named object's mask, or where an added sign or
 * sticker was drawn — that region as a greyscale PNG sheet (255 inside); all three uploaded.
 */
final class FrameStripWriter {
    static final int FRAMES = 4;
    static final int TILE_WIDTH = 320;

    private FrameStripWriter() {}

    /** The frame indices a clip of {@code n} frames is sampled at: first, last and evenly between. */
    static List<Integer> indices(int n, int count) {
        List<Integer> out = new ArrayList<>();
        int k = Math.min(count, n);
        for (int i = 0; i < k; i++) {
            int t = k == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (k - 1));
            if (out.isEmpty() || out.getLast() != t) {
                out.add(t);
            }
        }
        return out;
    }

    /** Writes and uploads the strips of the finished output frames. */
    static FrameStrips write(GenerationState s) throws IOException, InterruptedException {
        List<Integer> at = indices(s.frames(), FRAMES);
        Mat first = s.source.get(0);
        int tileHeight = Math.max(2, (int) Math.round(TILE_WIDTH * first.rows() / (double) first.cols()) & ~1);
        Size tile = new Size(TILE_WIDTH, tileHeight);
        Path src = sheet(s.workDir.resolve("strip-source.jpg"), at, tile, t -> s.source.get(t), false);
        Path edited = sheet(s.workDir.resolve("strip-edited.jpg"), at, tile, t -> s.output[t], false);
        Path mask = null;
        if (s.masksUsed || s.objectMasks != null) {
            // the person or the named object: the masks the edit used (cached by the state)
            mask = sheet(s.workDir.resolve("strip-mask.png"), at, tile, s::mask, true);
        } else if (s.plan != null && s.plan.operator() instanceof SceneOverlay overlay) {
            // an added sign or sticker: where it was drawn, frame by frame
            mask = sheet(s.workDir.resolve("strip-mask.png"), at, tile, t -> overlay.region(t, first.cols(), first.rows()),
                    true, true);
        }
        BlobRef srcRef = s.sink.store("strip-source.jpg", src, "image/jpeg");
        BlobRef editedRef = s.sink.store("strip-edited.jpg", edited, "image/jpeg");
        @Nullable BlobRef maskRef = mask == null ? null : s.sink.store("strip-mask.png", mask, "image/png");
        return new FrameStrips(at, TILE_WIDTH, tileHeight, srcRef, editedRef, maskRef);
    }

    private static Path sheet(Path file, List<Integer> at, Size tile, IntFunction<Mat> frame, boolean png) throws IOException {
        return sheet(file, at, tile, frame, png, false);
    }

    /** @param owned whether the frames {@code frame} gives are new (closed here) rather than the state's own */
    private static Path sheet(Path file, List<Integer> at, Size tile, IntFunction<Mat> frame, boolean png, boolean owned)
            throws IOException {
        try (MatVector tiles = new MatVector(); Mat sheet = new Mat();
             IntPointer params = png ? new IntPointer(IMWRITE_PNG_COMPRESSION, 6) : new IntPointer(IMWRITE_JPEG_QUALITY, 85)) {
            List<Mat> small = new ArrayList<>();
            try {
                for (int t : at) {
                    Mat m = new Mat();
                    Mat f = frame.apply(t);
                    resize(f, m, tile, 0, 0, INTER_AREA);
                    if (owned) {
                        f.close();
                    }
                    small.add(m);
                    tiles.push_back(m);
                }
                org.bytedeco.opencv.global.opencv_core.hconcat(tiles, sheet);
                if (!imwrite(file.toString(), sheet, params)) {
                    throw new IOException("could not write " + file);
                }
            } finally {
                small.forEach(Mat::close);
            }
        }
        return file;
    }
}
