package dev.ditto.runner.media;

/**
 * What the container says about a video stream.
 *
 * @param frames estimated frame count (container metadata; the decoder may deliver a few more or fewer)
 */
public record VideoInfo(int width, int height, double fps, int frames, double durationSeconds, String codec,
                        boolean hasAudio) {}
