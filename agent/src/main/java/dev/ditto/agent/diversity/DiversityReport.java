package dev.ditto.agent.diversity;

import dev.ditto.agent.Category;
import dev.ditto.agent.InstructionDraft;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How diverse a set of instructions is: mean pairwise cosine distance of their embeddings, distinct-1 and
 * distinct-2 (unique n-grams over all n-grams) and how many fall in each category.
 */
public record DiversityReport(
        int size,
        double meanPairwiseCosineDistance,
        double distinct1,
        double distinct2,
        Map<Category, Integer> categoryHistogram) {

    private static final Pattern TOKEN_SPLIT = Pattern.compile("[^\\p{L}\\p{N}'-]+");

    public DiversityReport {
        categoryHistogram = Map.copyOf(categoryHistogram);
    }

    /** The report of drafts with their vectors (same order). */
    public static DiversityReport of(List<InstructionDraft> drafts, List<float[]> vectors) {
        return of(drafts.stream().map(InstructionDraft::instruction).toList(), vectors,
                drafts.stream().map(InstructionDraft::category).toList());
    }

    /**
     * The report of texts, their vectors and categories (same order). The mean pairwise distance is exact and
     * costs O(n·d): for unit vectors the sum of all pairwise dot products is |Σv|² − n.
     */
    public static DiversityReport of(List<String> texts, List<float[]> vectors, List<Category> categories) {
        if (texts.size() != vectors.size() || texts.size() != categories.size()) {
            throw new IllegalArgumentException("texts, vectors and categories must have the same length");
        }
        int n = texts.size();
        double meanDistance = 0;
        if (n >= 2) {
            int dim = vectors.getFirst().length;
            double[] sum = new double[dim];
            double selfSum = 0;
            for (float[] raw : vectors) {
                float[] v = Vectors.normalised(raw);
                double self = 0;
                for (int i = 0; i < dim; i++) {
                    sum[i] += v[i];
                    self += (double) v[i] * v[i];
                }
                selfSum += self;
            }
            double total = 0;
            for (double s : sum) {
                total += s * s;
            }
            double meanSimilarity = (total - selfSum) / ((double) n * (n - 1));
            meanDistance = 1 - meanSimilarity;
        }
        Map<Category, Integer> histogram = new EnumMap<>(Category.class);
        for (Category c : categories) {
            histogram.merge(c, 1, Integer::sum);
        }
        return new DiversityReport(n, meanDistance, distinct(texts, 1), distinct(texts, 2), histogram);
    }

    /** Unique n-grams over all n-grams (lower-cased word tokens); 0 when there are none. */
    public static double distinct(List<String> texts, int n) {
        Set<String> unique = new HashSet<>();
        long total = 0;
        for (String text : texts) {
            String[] tokens = TOKEN_SPLIT.split(text.toLowerCase(Locale.ROOT).strip());
            for (int i = 0; i + n <= tokens.length; i++) {
                if (tokens[i].isEmpty()) {
                    continue;
                }
                unique.add(String.join(" ", java.util.Arrays.copyOfRange(tokens, i, i + n)));
                total++;
            }
        }
        return total == 0 ? 0 : unique.size() / (double) total;
    }
}
