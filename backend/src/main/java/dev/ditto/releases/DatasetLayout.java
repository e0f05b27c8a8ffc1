package dev.ditto.releases;

import java.util.Locale;

/**
 * Where each file of a release lives, as in Ditto-1M: shards under {@code videos/}, which extract to the paths the
 * CSV and metadata name (relative to {@code videos/}, DiffSynth-Studio's {@code dataset_base_path}).
 */
public final class DatasetLayout {
    public static final String VIDEOS = "videos/";
    public static final String SOURCE = "source";
    public static final String MANIFEST = "manifest.json";
    public static final String STATS = "stats.json";
    public static final String CARD = "README.md";
    public static final String QUALITY = "quality_report.json";
    /** What the sim2real files add to the release's name: {@code csvs_for_DiffSynth/<name>_sim2real.csv}. */
    public static final String SIM2REAL_SUFFIX = "_sim2real";

    private DatasetLayout() {}

    /** The folder name of an edit category ({@code GLOBAL_STYLE} → {@code global_style}). */
    public static String categoryDir(String category) {
        String dir = category.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "_");
        if (dir.isEmpty() || dir.equals(SOURCE)) {
            throw new IllegalArgumentException("category '" + category + "' cannot name a folder of the dataset");
        }
        return dir;
    }

    static String sourcePath(long clipId, String clipKey) {
        return SOURCE + "/" + clipId + "-" + clipKey.substring(0, 12) + ".mp4";
    }

    static String editedPath(String categoryDir, long sampleId, String editedKey) {
        return categoryDir + "/" + sampleId + "-" + editedKey.substring(0, 12) + ".mp4";
    }

    static String keyframePath(String categoryDir, long sampleId, String keyframeKey) {
        return categoryDir + "/keyframes/" + sampleId + "-" + keyframeKey.substring(0, 12) + ".png";
    }

    /** A shard's path from the dataset root: {@code videos/global_style/global_style-00042.tar}. */
    static String shardPath(String shardCategory, int seq) {
        return VIDEOS + shardCategory + "/" + shardCategory + "-" + String.format(Locale.ROOT, "%05d", seq) + ".tar";
    }

    public static String metadataPath(String name) {
        return "training_metadata/" + name + ".json";
    }

    public static String csvPath(String name) {
        return "csvs_for_DiffSynth/" + name + ".csv";
    }

    /** The sim2real subset's metadata: the reverse pairs, shaped as the forward records. */
    public static String sim2realMetadataPath(String name) {
        return metadataPath(name + SIM2REAL_SUFFIX);
    }

    /** The sim2real subset's DiffSynth-Studio CSV: {@code video} the real source, {@code vace_video} the stylised one. */
    public static String sim2realCsvPath(String name) {
        return csvPath(name + SIM2REAL_SUFFIX);
    }
}
