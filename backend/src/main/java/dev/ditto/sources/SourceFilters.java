package dev.ditto.sources;

import dev.ditto.settings.Setting;
import dev.ditto.settings.SettingsService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import dev.ditto.search.ClipIndex;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SourceFilters.class);
    /** Neighbours asked of the clip index per clip embedding. */
    static final int NEIGHBOURS = 10;

    private final SettingsService settings;
    private final PhashIndex index;
    private final ClipIndex clips;
    private final JdbcClient jdbc;

    SourceFilters(SettingsService settings, PhashIndex index, ClipIndex clips, JdbcClient jdbc) {
        this.settings = settings;
        this.index = index;
        this.clips = clips;
        this.jdbc = jdbc;
    }

    /** The thresholds in force; a null one is off. */
    public record Thresholds(@Nullable Double minMotion, @Nullable Double maxMotion, @Nullable Double maxBrisque,
                             @Nullable Double maxTextOverlay, @Nullable Integer nearDuplicateDistance,
                             @Nullable Double nearDuplicateSimilarity) {}

    public Thresholds thresholds() {
        return new Thresholds(number(SourceSettings.FILTER_MIN_MOTION), number(SourceSettings.FILTER_MAX_MOTION),
                number(SourceSettings.FILTER_MAX_BRISQUE), number(SourceSettings.FILTER_MAX_TEXT_OVERLAY),
                distance(settings.get(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE).value()),
                number(SourceSettings.FILTER_NEAR_DUPLICATE_SIMILARITY));
    }

    /**
     * Why a source with these aggregated scores, clip hashes and clip embeddings is quarantined (empty: it passes). A
     * near-duplicate is a clip within the hash distance of a clip of another READY source, or else one whose embedding
     * is at least the similarity to one (nearest neighbours from the clip index in Elasticsearch); of another source
     * with a lower id when {@code belowSourceId} is set, so that of two look-alikes the older one stays. While
     * Elasticsearch is unreachable the embedding check is skipped (logged); the hash check always runs.
     */
    public List<String> reasons(Thresholds t, long sourceId, Map<String, Double> scores, Collection<Long> hashes,
                                Collection<float[]> embeddings, @Nullable Long belowSourceId) {
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
                return out;
            }
        }
        if (t.nearDuplicateSimilarity() != null && !embeddings.isEmpty()) {
            index.lockDecisions();
            ClipIndex.Neighbour closest = null;
            try {
                for (float[] e : embeddings) {
                    List<ClipIndex.Neighbour> near = clips.nearest(e, NEIGHBOURS, t.nearDuplicateSimilarity(), sourceId,
                            belowSourceId);
                    java.util.Set<Long> compared = compared(near.stream().map(ClipIndex.Neighbour::sourceId).toList());
                    for (ClipIndex.Neighbour n : near) {
                        if (compared.contains(n.sourceId()) && (closest == null || n.cosine() > closest.cosine())) {
                            closest = n;
                        }
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("Source {}: near-duplicate check by clip embedding skipped, the clip index is unavailable ({})",
                        sourceId, e.getMessage());
            }
            if (closest != null) {
                out.add(String.format(Locale.ROOT, "near-duplicate of source %d: clip embeddings %.3f similar ≥ %s",
                        closest.sourceId(), closest.cosine(), fmt(t.nearDuplicateSimilarity())));
            }
        }
        return out;
    }

    /** Those of {@code sourceIds} whose status is compared against ({@link #COMPARED}). */
    private java.util.Set<Long> compared(List<Long> sourceIds) {
        if (sourceIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql("select id from sources where id = any(:ids) and status = any(:statuses)")
                .param("ids", sourceIds.toArray(Long[]::new)).param("statuses", COMPARED.toArray(String[]::new))
                .query(Long.class).list());
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
