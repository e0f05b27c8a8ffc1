package dev.ditto.sources;

import static dev.ditto.settings.Setting.Kind.DISTANCE;
import static dev.ditto.settings.Setting.Kind.INTEGER;
import static dev.ditto.settings.Setting.Kind.LIMIT;
import static dev.ditto.settings.Setting.Kind.OPTIONAL_FRACTION;

import dev.ditto.protocol.VideoFormat;
import dev.ditto.settings.FeatureSettings;
import dev.ditto.settings.Setting;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Ingest's settings an admin may change: the normalisation format and the upload limit, laid over
 * {@code ditto.sources.*} ({@link #overlay}) and put in force in {@link SourceService} at once (a format that is not
 * a valid combination is refused when saved); and the probe filters, which {@link SourceFilters} reads on every use.
 */
@Component
@Order(20)
public class SourceSettings implements FeatureSettings {
    private static final Logger log = LoggerFactory.getLogger(SourceSettings.class);

    /** The largest near-duplicate distance the band index answers cheaply (band radius ≤ 3). */
    public static final int MAX_DUPLICATE_DISTANCE = 12;

    public static final Setting FORMAT_WIDTH = Setting.of("sources.width", "Normalisation: width (multiple of 16)", INTEGER, "832");
    public static final Setting FORMAT_HEIGHT = Setting.of("sources.height", "Normalisation: height (multiple of 16)", INTEGER, "480");
    public static final Setting FORMAT_FRAMES = Setting.of("sources.frames", "Normalisation: frames per clip (4n+1)", INTEGER, "73");
    public static final Setting FORMAT_FPS = Setting.of("sources.fps", "Normalisation: frames per second", INTEGER, "20");
    public static final Setting MAX_UPLOAD_MB = Setting.of("sources.max-upload-mb", "Uploads: largest file in MB", INTEGER, "2048");
    public static final Setting FILTER_MIN_MOTION = Setting.of("sources.filters.min-motion",
            "Probe filters: quarantine as too static below this motion (px/frame; empty = off)", LIMIT, "0.1");
    public static final Setting FILTER_MAX_MOTION = Setting.of("sources.filters.max-motion",
            "Probe filters: quarantine as too shaky above this motion (px/frame; empty = off)", LIMIT, "30");
    public static final Setting FILTER_MAX_BRISQUE = Setting.of("sources.filters.max-brisque",
            "Probe filters: quarantine for quality above this BRISQUE (0–100, lower is better; empty = off)", LIMIT, "85");
    public static final Setting FILTER_MAX_TEXT_OVERLAY = Setting.of("sources.filters.max-text-overlay",
            "Probe filters: quarantine above this text-overlay area share (0–1; empty = off)", LIMIT, "0.3");
    public static final Setting FILTER_NEAR_DUPLICATE_DISTANCE = Setting.of("sources.filters.near-duplicate-distance",
            "Probe filters: quarantine as near-duplicate of a READY source at perceptual-hash distance ≤ this (0–12 bits; empty = off)",
            DISTANCE, "3", SourceSettings::distance);
    public static final Setting FILTER_NEAR_DUPLICATE_SIMILARITY = Setting.of("sources.filters.near-duplicate-similarity",
            "Probe filters: quarantine as near-duplicate of a READY source whose clip embedding is at least this similar"
                    + " (cosine 0–1; empty = off)", OPTIONAL_FRACTION, "0.97");

    private static final List<Setting> FORMAT = List.of(FORMAT_WIDTH, FORMAT_HEIGHT, FORMAT_FRAMES, FORMAT_FPS);
    private static final List<Setting> ALL = List.of(FORMAT_WIDTH, FORMAT_HEIGHT, FORMAT_FRAMES, FORMAT_FPS, MAX_UPLOAD_MB,
            FILTER_MIN_MOTION, FILTER_MAX_MOTION, FILTER_MAX_BRISQUE, FILTER_MAX_TEXT_OVERLAY, FILTER_NEAR_DUPLICATE_DISTANCE,
            FILTER_NEAR_DUPLICATE_SIMILARITY);

    private final SourceProperties configured;
    private final SourceService sources;

    SourceSettings(SourceProperties configured, SourceService sources) {
        this.configured = configured;
        this.sources = sources;
    }

    @Override
    public String section() {
        return "Ingest";
    }

    @Override
    public List<Setting> settings() {
        return ALL;
    }

    @Override
    public void apply(Map<String, String> stored) {
        SourceProperties next = overlay(configured, stored);
        if (!next.equals(sources.properties())) {
            sources.applySettings(next);
            log.info("Ingest settings in force: format {}, uploads up to {} MB", next.format(), next.maxUploadMb());
        }
    }

    @Override
    public List<InForce> inForce() {
        SourceProperties p = sources.properties();
        VideoFormat f = p.format();
        return List.of(new InForce("in-force-format", "Normalisation " + f.width() + "×" + f.height() + ", " + f.frames()
                + " frames at " + f.fps() + " fps · uploads up to " + p.maxUploadMb() + " MB"));
    }

    @Override
    public void checkTogether(Setting changed, String value, Function<Setting, String> current) {
        if (!FORMAT.contains(changed)) {
            return;
        }
        Function<Setting, Integer> part = s -> Integer.parseInt(s.equals(changed) ? value : current.apply(s));
        try {
            new VideoFormat(part.apply(FORMAT_WIDTH), part.apply(FORMAT_HEIGHT), part.apply(FORMAT_FRAMES), part.apply(FORMAT_FPS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The normalisation format would be invalid: " + e.getMessage() + ".", e);
        }
    }

    @Override
    public String notApplied(String reason) {
        return "The format and upload settings could not be applied (" + reason + "); the previous ones stay in force.";
    }

    /** The configured record with the format and upload limit an admin stored ({@code sources.*} keys) laid over it. */
    static SourceProperties overlay(SourceProperties p, Map<String, String> s) {
        if (s.keySet().stream().noneMatch(k -> k.startsWith("sources."))) {
            return p;
        }
        SourceProperties out = new SourceProperties(
                Long.parseLong(s.getOrDefault(MAX_UPLOAD_MB.key(), String.valueOf(p.maxUploadMb()))),
                Integer.parseInt(s.getOrDefault(FORMAT_WIDTH.key(), String.valueOf(p.width()))),
                Integer.parseInt(s.getOrDefault(FORMAT_HEIGHT.key(), String.valueOf(p.height()))),
                Integer.parseInt(s.getOrDefault(FORMAT_FRAMES.key(), String.valueOf(p.frames()))),
                Integer.parseInt(s.getOrDefault(FORMAT_FPS.key(), String.valueOf(p.fps()))),
                p.minClipSeconds(), p.maxClipSeconds());
        out.format(); // an invalid combination throws here and the values in force stay
        return out;
    }

    private static String distance(String label, String value) {
        if (!value.isEmpty()) {
            try {
                int n = Integer.parseInt(value);
                if (n < 0 || n > MAX_DUPLICATE_DISTANCE) {
                    throw new IllegalArgumentException(label + " must be between 0 and " + MAX_DUPLICATE_DISTANCE
                            + " bits, or empty for off.");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(label + " must be a whole number of bits, or empty for off; not '"
                        + value + "'.", e);
            }
        }
        return value;
    }
}
