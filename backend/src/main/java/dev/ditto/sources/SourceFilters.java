package dev.ditto.sources;

import dev.ditto.settings.Setting;
import dev.ditto.settings.SettingsService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The probe filters (docs/source-filters.md): thresholds on motion (too static, too shaky), BRISQUE, text overlay
 * and near-duplicates, read from the settings on every use (an admin changes them live; {@code ditto.sources.filters.*}
 * configures them), and the reasons a probed source breaks them.
 */
@Component
public class SourceFilters {
    /** Statuses a near-duplicate is looked for among. */
    static final List<String> COMPARED = List.of("READY");

    private final SettingsService settings;
    private final PhashIndex index;

    SourceFilters(SettingsService settings, PhashIndex index) {
        this.settings = settings;
        this.index = index;
    }

    /** The thresholds in force; a null one is off. */
    public record Thresholds(@Nullable Double minMotion, @Nullable Double maxMotion, @Nullable Double maxBrisque,
                             @Nullable Double maxTextOverlay, @Nullable Integer nearDuplicateDistance) {}

    public Thresholds thresholds() {
        return new Thresholds(number(Setting.FILTER_MIN_MOTION), number(Setting.FILTER_MAX_MOTION),
                number(Setting.FILTER_MAX_BRISQUE), number(Setting.FILTER_MAX_TEXT_OVERLAY),
                distance(settings.get(Setting.FILTER_NEAR_DUPLICATE_DISTANCE).value()));
    }

    /**
     * Why a source with these aggregated scores and clip hashes is quarantined (empty: it passes). A near-duplicate is
     * a clip within the distance of a clip of another READY source (with a lower id, when {@code belowSourceId} is set,
     * so that of two look-alikes the older one stays).
     */
    public List<String> reasons(Thresholds t, long sourceId, Map<String, Double> scores, Collection<Long> hashes,
                                @Nullable Long belowSourceId) {
        List<String> out = new ArrayList<>();
        Double motion = scores.get("motion");
        if (motion != null && t.minMotion() != null && motion < t.minMotion()) {
            out.add(String.format(Locale.ROOT, "too static: motion %.3g px/frame < %s", motion, fmt(t.minMotion())));
        }
        if (motion != null && t.maxMotion() != null && motion > t.maxMotion()) {
            out.add(String.format(Locale.ROOT, "too shaky: motion %.3g px/frame > %s", motion, fmt(t.maxMotion())));
        }
        Double brisque = scores.get("brisque");
        if (brisque != null && t.maxBrisque() != null && brisque > t.maxBrisque()) {
            out.add(String.format(Locale.ROOT, "low quality: BRISQUE %.3g > %s", brisque, fmt(t.maxBrisque())));
        }
        Double text = scores.get("text_overlay");
        if (text != null && t.maxTextOverlay() != null && text > t.maxTextOverlay()) {
            out.add(String.format(Locale.ROOT, "text overlay: %.3g of the frame > %s", text, fmt(t.maxTextOverlay())));
        }
        if (t.nearDuplicateDistance() != null && !hashes.isEmpty()) {
            index.lockDecisions();
            PhashIndex.Neighbour closest = null;
            for (long hash : hashes) {
                for (PhashIndex.Neighbour n : index.neighbours(hash, t.nearDuplicateDistance(), sourceId, COMPARED, belowSourceId)) {
                    if (closest == null || n.distance() < closest.distance()) {
                        closest = n;
                    }
                    break; // closest first
                }
            }
            if (closest != null) {
                out.add("near-duplicate of source " + closest.sourceId() + ": clip hashes " + closest.distance()
                        + " bit(s) apart ≤ " + t.nearDuplicateDistance());
            }
        }
        return out;
    }

    private @Nullable Double number(Setting s) {
        String v = settings.get(s).value().strip();
        return v.isEmpty() ? null : Double.valueOf(v);
    }

    private static @Nullable Integer distance(String v) {
        return v.isBlank() ? null : Integer.valueOf(v.strip());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
