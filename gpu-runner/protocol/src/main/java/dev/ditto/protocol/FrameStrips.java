package dev.ditto.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Frames across the clip for the judge: {@code frames.size()} frames of the source and of the edited video at the same
 * frame indices, each set laid side by side, left to right in time order, as one contact sheet of equal tiles
 * ({@code tileWidth}×{@code tileHeight}); {@code source} and {@code edited} are JPEG sheets. {@code mask}, when the
 * edit used one, is a greyscale PNG sheet of the region the edit acts on (255 = the person the local edit is about)
 * at the same tiles. Optional in {@link GenerateResult}: older runners send none.
 */
public record FrameStrips(List<Integer> frames, int tileWidth, int tileHeight, BlobRef source, BlobRef edited,
                          @Nullable BlobRef mask) {
    public FrameStrips {
        frames = List.copyOf(frames);
        if (frames.isEmpty() || tileWidth <= 0 || tileHeight <= 0) {
            throw new IllegalArgumentException("a frame strip needs at least one frame and a positive tile size");
        }
    }
}
