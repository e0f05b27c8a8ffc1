package dev.ditto.runner.probe;

/**
 * What PROBE accepts as a source.
 *
 * @param maxSourceSeconds longer sources are refused (a bad upload, not a clip corpus)
 * @param minSide frames with a side below this many pixels are refused
 * @param maxAspect frames wider or taller than this ratio are refused
 * @param maxClips at most this many clips are cut from one source
 */
public record ProbeLimits(double maxSourceSeconds, int minSide, double maxAspect, int maxClips) {
    /** 3 hours, 64 px, 4:1, 200 clips. */
    public static final ProbeLimits DEFAULT = new ProbeLimits(3 * 3600, 64, 4.0, 200);
}
