package dev.ditto.protocol;

/** The training format clips are normalised to (Ditto-1M / Wan: 832×480, 73 frames = 4n+1, 20 fps). */
public record VideoFormat(int width, int height, int frames, int fps) {
    public static final VideoFormat DITTO_DEFAULT = new VideoFormat(832, 480, 73, 20);

    public VideoFormat {
        if (width <= 0 || height <= 0 || width % 16 != 0 || height % 16 != 0) {
            throw new IllegalArgumentException("width and height must be positive multiples of 16, got " + width + "x" + height);
        }
        if (frames < 5 || (frames - 1) % 4 != 0) {
            throw new IllegalArgumentException("frames must be 4n+1 (e.g. 49, 73, 81), got " + frames);
        }
        if (fps <= 0 || fps > 120) {
            throw new IllegalArgumentException("fps must be in 1..120, got " + fps);
        }
    }

    /** Clip length in seconds. */
    public double seconds() {
        return frames / (double) fps;
    }
}
