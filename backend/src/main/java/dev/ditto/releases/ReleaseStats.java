package dev.ditto.releases;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The generated statistics of a release ({@code stats.json}, and the dataset card's tables). */
public record ReleaseStats(String name, String version, long samples, long sourceClips, int width, int height, int frames,
                           Map<String, CategoryStats> categories, @Nullable Double meanJudgeScore,
                           long meanInstructionChars, int shards, long videoBytes, ReleaseDiff diff,
                           long sim2realPairs) {

    /** Per-category counts and judge scores. */
    public record CategoryStats(long samples, @Nullable Double meanJudgeScore, @Nullable Double minJudgeScore,
                                @Nullable Double maxJudgeScore) {}

    ReleaseStats withShards(int shardCount, long bytes, long clips) {
        return new ReleaseStats(name, version, samples, clips, width, height, frames, categories, meanJudgeScore,
                meanInstructionChars, shardCount, bytes, diff, sim2realPairs);
    }

    /** Accumulates statistics row by row in constant memory (one counter set per category). */
    static final class Builder {
        private final String name;
        private final String version;
        private final ReleaseProperties properties;
        private final Map<String, double[]> perCategory = new TreeMap<>();
        private long samples;
        private long instructionChars;
        private int width;
        private int height;
        private int frames;
        private long sim2realPairs;

        Builder(String name, String version, ReleaseProperties properties) {
            this.name = name;
            this.version = version;
            this.properties = properties;
        }

        /** Counts one sample of the category folder {@code dir}. */
        void add(SampleRow row, String prompt, String dir) {
            samples++;
            instructionChars += prompt.length();
            if (row.width() != null) width = row.width();
            if (row.height() != null) height = row.height();
            if (row.frames() != null) frames = row.frames();
            // count, scored, sum, min, max
            double[] c = perCategory.computeIfAbsent(dir,
                    k -> new double[] {0, 0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
            c[0]++;
            if (row.judgeScore() != null) {
                double s = row.judgeScore();
                c[1]++;
                c[2] += s;
                c[3] = Math.min(c[3], s);
                c[4] = Math.max(c[4], s);
            }
        }

        /** The number of reverse (sim2real) pairs written. */
        void sim2realPairs(long pairs) {
            sim2realPairs = pairs;
        }

        ReleaseStats build(ReleaseDiff diff) {
            Map<String, CategoryStats> categories = new TreeMap<>();
            double scored = 0;
            double sum = 0;
            for (var e : perCategory.entrySet()) {
                double[] c = e.getValue();
                scored += c[1];
                sum += c[2];
                categories.put(e.getKey(), c[1] == 0 ? new CategoryStats((long) c[0], null, null, null)
                        : new CategoryStats((long) c[0], round(c[2] / c[1]), round(c[3]), round(c[4])));
            }
            return new ReleaseStats(name, version, samples, 0,
                    width != 0 ? width : properties.width(), height != 0 ? height : properties.height(),
                    frames != 0 ? frames : properties.frames(), categories, scored == 0 ? null : round(sum / scored),
                    samples == 0 ? 0 : instructionChars / samples, 0, 0, diff, sim2realPairs);
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }
}
