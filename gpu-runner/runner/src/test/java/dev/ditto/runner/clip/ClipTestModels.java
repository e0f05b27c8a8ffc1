package dev.ditto.runner.clip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The tiny CLIP and a solid-red video, for tests outside this package. */
public final class ClipTestModels {
    private ClipTestModels() {}

    public static Path tinyClip(Path dir) throws IOException {
        return ClipScorerTest.tinyClip(dir);
    }

    public static Path redVideo(Path file) throws IOException {
        return ClipScorerTest.video(file, List.of(new int[] {0, 0, 255}, new int[] {0, 0, 255}, new int[] {0, 0, 255}));
    }
}
