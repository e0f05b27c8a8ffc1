package dev.ditto.runner.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses where clips start: within each scene (between cuts) at least {@code minClipSeconds} long, one clip of the
 * training length centred in each {@code maxClipSeconds}-long stretch, so a long shot gives several clips and no clip
 * straddles a cut.
 */
final class ClipPlanner {
    /** Seconds kept clear on each side of a cut (the cut frame and any transition blur). */
    static final double CUT_MARGIN = 0.1;

    private ClipPlanner() {}

    /** One planned clip: where it starts and ends in the source. */
    record Window(double start, double end) {}

    static List<Window> plan(List<Double> cuts, double duration, double clipSeconds, double minClipSeconds,
                             double maxClipSeconds, int maxClips) {
        List<Double> edges = new ArrayList<>();
        edges.add(0.0);
        for (double c : cuts) {
            if (c > 0 && c < duration) {
                edges.add(c);
            }
        }
        edges.add(duration);
        double minScene = Math.max(clipSeconds, minClipSeconds);
        double stretch = Math.max(clipSeconds, maxClipSeconds);
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i + 1 < edges.size() && windows.size() < maxClips; i++) {
            double a = edges.get(i) + (i > 0 ? CUT_MARGIN : 0);
            double b = edges.get(i + 1) - (i + 2 < edges.size() ? CUT_MARGIN : 0);
            double length = b - a;
            if (length < minScene) {
                continue;
            }
            int n = (int) Math.ceil(length / stretch - 1e-9);
            if (length / n < clipSeconds) {
                n = Math.max(1, (int) Math.floor(length / clipSeconds));
            }
            double chunk = length / n;
            for (int k = 0; k < n && windows.size() < maxClips; k++) {
                double start = a + k * chunk + (chunk - clipSeconds) / 2;
                windows.add(new Window(start, start + clipSeconds));
            }
        }
        return windows;
    }
}
