package dev.ditto.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Target share of each category in a batch of instructions; shares are normalised to sum to one.
 *
 * <p>The default is roughly Ditto-1M's split: about 70% global edits and 30% local ones.
 */
public record CategoryMix(Map<Category, Double> targets) {

    public CategoryMix {
        double sum = 0;
        for (Map.Entry<Category, Double> e : targets.entrySet()) {
            if (e.getValue() < 0 || e.getValue().isNaN()) {
                throw new IllegalArgumentException("category share must be >= 0: " + e);
            }
            sum += e.getValue();
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("a category mix needs at least one category with a positive share");
        }
        EnumMap<Category, Double> normalised = new EnumMap<>(Category.class);
        for (Map.Entry<Category, Double> e : targets.entrySet()) {
            if (e.getValue() > 0) {
                normalised.put(e.getKey(), e.getValue() / sum);
            }
        }
        targets = Map.copyOf(normalised);
    }

    /** About 70% global (40 style, 30 freeform) and 30% local, as in Ditto-1M. */
    public static CategoryMix defaultMix() {
        return new CategoryMix(Map.of(
                Category.GLOBAL_STYLE, 0.40,
                Category.GLOBAL_FREEFORM, 0.30,
                Category.LOCAL_ATTRIBUTE, 0.07,
                Category.LOCAL_ADD, 0.06,
                Category.LOCAL_REMOVE, 0.05,
                Category.LOCAL_REPLACE, 0.05,
                Category.BACKGROUND, 0.07));
    }

    /** The target share of a category (0 when it is not in the mix). */
    public double share(Category category) {
        return targets.getOrDefault(category, 0.0);
    }

    /** Total share of global categories. */
    public double globalShare() {
        return targets.entrySet().stream().filter(e -> e.getKey().isGlobal()).mapToDouble(Map.Entry::getValue).sum();
    }

    /** The same proportions over only the given categories (e.g. those a source without people allows). */
    public CategoryMix restrictedTo(Collection<Category> allowed) {
        EnumMap<Category, Double> kept = new EnumMap<>(Category.class);
        targets.forEach((c, s) -> {
            if (allowed.contains(c)) {
                kept.put(c, s);
            }
        });
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("none of the mix's categories " + targets.keySet() + " is allowed: " + allowed);
        }
        return new CategoryMix(kept);
    }

    /** Splits {@code total} items across categories by largest remainder, so the counts sum to {@code total}. */
    public Map<Category, Integer> allocate(int total) {
        EnumMap<Category, Integer> counts = new EnumMap<>(Category.class);
        List<Map.Entry<Category, Double>> remainders = new ArrayList<>();
        int assigned = 0;
        for (Category c : Category.values()) {
            double share = share(c);
            if (share <= 0) {
                continue;
            }
            double exact = share * total;
            int floor = (int) Math.floor(exact);
            counts.put(c, floor);
            assigned += floor;
            remainders.add(Map.entry(c, exact - floor));
        }
        remainders.sort(Comparator.<Map.Entry<Category, Double>>comparingDouble(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        for (int i = 0; assigned < total; i++, assigned++) {
            Category c = remainders.get(i % remainders.size()).getKey();
            counts.merge(c, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Splits {@code total} items across categories so that, over many calls with different seeds, each category
     * gets exactly its share on average: whole parts are given, and the fractional parts are rounded by systematic
     * sampling with a seeded offset. (Plain largest-remainder rounding would starve small categories in every
     * small batch, e.g. 10 instructions a source.)
     */
    public Map<Category, Integer> allocate(int total, long seed) {
        EnumMap<Category, Integer> counts = new EnumMap<>(Category.class);
        List<Category> order = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        int assigned = 0;
        for (Category c : Category.values()) {
            double share = share(c);
            if (share <= 0) {
                continue;
            }
            double exact = share * total;
            int floor = (int) Math.floor(exact);
            counts.put(c, floor);
            assigned += floor;
            order.add(c);
            fractions.add(exact - floor);
        }
        int extra = total - assigned;
        if (extra > 0) {
            double offset = new java.util.SplittableRandom(seed).nextDouble();
            double cumulative = 0;
            int given = 0;
            for (int i = 0; i < order.size() && given < extra; i++) {
                double next = cumulative + fractions.get(i);
                // a category gets one more item for each point offset + k (k = 0, 1, ...) inside [cumulative, next)
                while (given < extra && offset + given >= cumulative && offset + given < next) {
                    counts.merge(order.get(i), 1, Integer::sum);
                    given++;
                }
                cumulative = next;
            }
            for (int i = 0; given < extra; i++, given++) { // floating-point slack: hand out what is left
                counts.merge(order.get(i % order.size()), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Largest absolute difference between a histogram's shares and the targets (0 for an empty histogram). */
    public double maxDeviation(Map<Category, Integer> histogram) {
        int total = histogram.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return 0;
        }
        double worst = 0;
        for (Category c : Category.values()) {
            double actual = histogram.getOrDefault(c, 0) / (double) total;
            worst = Math.max(worst, Math.abs(actual - share(c)));
        }
        return worst;
    }
}
