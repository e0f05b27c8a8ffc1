package dev.ditto.agent.judge;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * One moment of the clip as the judge sees it: the source frame and the edited frame at the same index (JPEG or PNG
 * bytes), and, when the runner sent it, the edit's mask at that frame (greyscale, 255 = the person a local edit is
 * about; empty when there is none).
 */
public record FramePair(int frameIndex, byte[] source, byte[] edited, byte[] mask) {

    public FramePair {
        mask = mask == null ? new byte[0] : mask;
    }

    /** A pair without a mask. */
    public FramePair(int frameIndex, byte[] source, byte[] edited) {
        this(frameIndex, source, edited, new byte[0]);
    }

    /** Whether the runner sent the edit's mask for this frame. */
    public boolean hasMask() {
        return mask.length > 0;
    }

    /**
     * Cuts the runner's contact sheets (equal tiles side by side, one per frame index) into frame pairs; the mask
     * sheet may be empty. Empty when a sheet cannot be decoded.
     */
    public static List<FramePair> fromSheets(List<Integer> frameIndices, byte[] sourceSheet, byte[] editedSheet,
                                             byte[] maskSheet) {
        int n = frameIndices.size();
        List<byte[]> src = tiles(sourceSheet, n, "jpg");
        List<byte[]> edited = tiles(editedSheet, n, "jpg");
        List<byte[]> mask = maskSheet == null || maskSheet.length == 0 ? List.of() : tiles(maskSheet, n, "png");
        if (src.size() != n || edited.size() != n) {
            return List.of();
        }
        List<FramePair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new FramePair(frameIndices.get(i), src.get(i), edited.get(i), mask.size() == n ? mask.get(i) : new byte[0]));
        }
        return List.copyOf(out);
    }

    private static List<byte[]> tiles(byte[] sheet, int n, String format) {
        if (sheet == null || sheet.length == 0 || n <= 0) {
            return List.of();
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(sheet));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        if (image == null || image.getWidth() < n) {
            return List.of();
        }
        int w = image.getWidth() / n;
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BufferedImage tile = new BufferedImage(w, image.getHeight(),
                    format.equals("png") ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            var g = tile.createGraphics();
            g.drawImage(image.getSubimage(i * w, 0, w, image.getHeight()), 0, 0, null);
            g.dispose();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                ImageIO.write(tile, format, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(bytes.toByteArray());
        }
        return out;
    }
}
