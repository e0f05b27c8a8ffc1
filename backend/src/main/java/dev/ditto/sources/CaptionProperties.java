package dev.ditto.sources;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.captions.*}: the background caption worker (docs/captions.md). Which captioner runs is an agent
 * setting ({@code ditto.agent.caption.*}); these say how the worker drives it: whether it runs, how often it looks
 * for work, how long a claim holds, the hard limit on one captioner call, how often a failing vision model is tried
 * for one source (then the built-in caption is kept), the back-off between tries, and how many frames it sends.
 */
@ConfigurationProperties("ditto.captions")
public record CaptionProperties(@DefaultValue("true") boolean enabled,
                                @DefaultValue("2000") long pollMs,
                                @DefaultValue("900") int leaseSeconds,
                                @DefaultValue("360") int callTimeoutSeconds,
                                @DefaultValue("3") int maxAttempts,
                                @DefaultValue("60") int retryAfterSeconds,
                                @DefaultValue("8") int maxFrames) {

    public CaptionProperties {
        if (pollMs < 10 || leaseSeconds < 1 || callTimeoutSeconds < 1 || maxAttempts < 1 || retryAfterSeconds < 0 || maxFrames < 1) {
            throw new IllegalArgumentException("ditto.captions.*: poll-ms >= 10, lease-seconds, call-timeout-seconds,"
                    + " max-attempts and max-frames >= 1, retry-after-seconds >= 0");
        }
        if (leaseSeconds <= callTimeoutSeconds) {
            throw new IllegalArgumentException("ditto.captions.lease-seconds (" + leaseSeconds + ") must exceed"
                    + " call-timeout-seconds (" + callTimeoutSeconds + "), or a slow call's source is claimed twice");
        }
    }

    Duration callTimeout() {
        return Duration.ofSeconds(callTimeoutSeconds);
    }
}
