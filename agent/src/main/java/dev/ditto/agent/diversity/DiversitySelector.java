package dev.ditto.agent.diversity;

import dev.ditto.agent.Category;
import dev.ditto.agent.CategoryMix;
import dev.ditto.agent.InstructionDraft;
import dev.ditto.agent.InstructionText;
import dev.ditto.agent.SourceFacts;
import dev.ditto.agent.writer.EditSpecRules;
import dev.ditto.agent.writer.InstructionWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Enforces diversity: over-generates candidates, drops near-duplicates of each other and of the corpus by
 * embedding similarity, and picks by maximal marginal relevance while keeping the category mix near its target.
 */
public final class DiversitySelector {

    /**
     * Tuning: how many candidates per wanted instruction, the cosine similarity at or above which a candidate is a
     * near-duplicate (within the batch, against the corpus), and MMR's λ (weight of novelty against the corpus
     * versus distance from instructions already chosen).
     */
    public record Settings(int oversample, double batchSimilarityLimit, double corpusSimilarityLimit, double lambda) {

        public Settings {
            if (oversample < 1) {
                throw new IllegalArgumentException("oversample must be >= 1");
            }
            if (lambda < 0 || lambda > 1) {
                throw new IllegalArgumentException("lambda must be within 0..1");
            }
        }

        /** 4x candidates, near-duplicate at cosine ≥ 0.92 in the batch and ≥ 0.95 against the corpus, λ = 0.3. */
        public static Settings defaults() {
            return new Settings(4, 0.92, 0.95, 0.3);
        }
    }

    private final InstructionWriter writer;
    private final Embedder embedder;
    private final CorpusNeighbours corpus;
    private final Settings settings;

    public DiversitySelector(InstructionWriter writer, Embedder embedder, CorpusNeighbours corpus, Settings settings) {
        this.writer = writer;
        this.embedder = embedder;
        this.corpus = corpus;
        this.settings = settings;
    }

    /** Rounds of extra candidates for categories still short of their quota (e.g. after corpus rejections). */
    private static final int REPLENISH_ROUNDS = 2;

    /**
     * Writes candidates for the source with the configured writer and chooses {@code count} of them; categories
     * left short (their candidates were near-duplicates) get up to two more rounds of candidates before other
     * categories fill the gap.
     */
    public Selection select(SourceFacts source, CategoryMix mix, int count, long seed) {
        return select(source, mix, count, seed, java.util.Set.of());
    }

    /**
     * As {@link #select(SourceFacts, CategoryMix, int, long)}, leaving out every draft whose operator is in
     * {@code avoidOps} (writer guidance from curators' rejections), asking the writer again for what is missing.
     */
    public Selection select(SourceFacts source, CategoryMix mix, int count, long seed, java.util.Set<String> avoidOps) {
        return select(source, mix, count, seed, avoidOps, java.util.Set.of());
    }

    /**
     * As {@link #select(SourceFacts, CategoryMix, int, long, java.util.Set)}, and a draft whose {@link #key} is in
     * {@code prefer} (empty regions of the corpus a "fill the gaps" campaign aims at) scores {@value #PREFER_BONUS}
     * more novelty in the pick: of two otherwise equal candidates the preferred one wins.
     */
    public Selection select(SourceFacts source, CategoryMix mix, int count, long seed, java.util.Set<String> avoidOps,
                            java.util.Set<String> prefer) {
        CategoryMix target = mix.restrictedTo(EditSpecRules.categoriesFor(source));
        Map<Category, Integer> quota = target.allocate(count, seed ^ source.sourceId().hashCode());
        Run run = new Run(source.sourceId(), prefer);
        run.consider(avoiding(writer.write(source, mix, count * settings.oversample(), seed), avoidOps));
        // a preferred edit the writer did not offer: ask again for its category, keeping only what is preferred
        for (int round = 1; round <= REPLENISH_ROUNDS && !prefer.isEmpty(); round++) {
            java.util.Set<String> missing = new java.util.HashSet<>(prefer);
            missing.removeAll(run.keys());
            missing.removeAll(avoidOps);
            Map<Category, Double> categories = new EnumMap<>(Category.class);
            for (String key : missing) {
                String op = key.contains("=") ? key.substring(0, key.indexOf('=')) : key;
                for (Category c : target.targets().keySet()) {
                    if (EditSpecRules.opsFor(c).contains(op)) {
                        categories.put(c, 1.0);
                    }
                }
            }
            if (categories.isEmpty()) {
                break;
            }
            run.consider(writer.write(source, new CategoryMix(categories), count * settings.oversample() * 2,
                    seed + round * 7_919L).stream().filter(d -> missing.contains(key(d.edit()))).toList());
        }
        run.pick(target, quota, count, false);
        for (int round = 1; round <= REPLENISH_ROUNDS && run.chosen.size() < count; round++) {
            Map<Category, Double> deficits = new EnumMap<>(Category.class);
            int missing = 0;
            for (Map.Entry<Category, Integer> q : quota.entrySet()) {
                int short_ = q.getValue() - run.count(q.getKey());
                if (short_ > 0) {
                    deficits.put(q.getKey(), (double) short_);
                    missing += short_;
                }
            }
            if (missing == 0) {
                break;
            }
            run.consider(avoiding(writer.write(source, new CategoryMix(deficits), missing * settings.oversample() * 2,
                    seed + round * 1_000_003L), avoidOps));
            run.pick(target, quota, count, false);
        }
        run.pick(target, quota, count, true);
        return run.selection();
    }

    /** How much novelty a preferred draft gains in the pick (novelty is 0..1). */
    static final double PREFER_BONUS = 0.5;

    /**
     * What a draft is, for writer guidance: its operator, with the style or grade for {@code style} and {@code grade}
     * (e.g. {@code style=pixel_art}, {@code grade=noir}, {@code add_snowfall}).
     */
    public static String key(dev.ditto.protocol.EditSpec edit) {
        Object param = switch (edit.op()) {
            case "style" -> edit.params().get("style");
            case "grade" -> edit.params().get("grade");
            default -> null;
        };
        return param == null ? edit.op() : edit.op() + "=" + param;
    }

    private static List<InstructionDraft> avoiding(List<InstructionDraft> drafts, java.util.Set<String> avoidOps) {
        return avoidOps.isEmpty() ? drafts : drafts.stream().filter(d -> !avoidOps.contains(d.edit().op())).toList();
    }

    /**
     * Chooses up to {@code count} of the given candidates for a batch with the target mix; with no source to scope
     * it, a candidate near any instruction of the corpus is a near-duplicate.
     */
    public Selection choose(List<InstructionDraft> candidates, CategoryMix target, int count) {
        Run run = new Run(null, java.util.Set.of());
        run.consider(candidates);
        Map<Category, Integer> quota = target.allocate(count);
        run.pick(target, quota, count, false);
        run.pick(target, quota, count, true);
        return run.selection();
    }

    /** One selection in progress: the pool of surviving candidates, what is chosen, and the rejection counts. */
    private final class Run {
        private final @Nullable String sourceId;
        private final java.util.Set<String> prefer;
        private final List<Candidate> pool = new ArrayList<>();
        private final List<Candidate> chosen = new ArrayList<>();
        private final Map<Category, Integer> chosenPerCategory = new EnumMap<>(Category.class);
        private final Set<String> texts = new HashSet<>();
        private int candidates;
        private int invalid;
        private int batchDuplicates;
        private int corpusDuplicates;

        Run(@Nullable String sourceId, java.util.Set<String> prefer) {
            this.sourceId = sourceId;
            this.prefer = prefer;
        }

        int count(Category c) {
            return chosenPerCategory.getOrDefault(c, 0);
        }

        /** The {@link #key}s of the candidates in the pool. */
        Set<String> keys() {
            Set<String> out = new HashSet<>();
            pool.forEach(c -> out.add(key(c.draft().edit())));
            return out;
        }

        /** Validates, deduplicates by text, embeds and checks new candidates against the corpus and the chosen. */
        void consider(List<InstructionDraft> drafts) {
            candidates += drafts.size();
            List<InstructionDraft> valid = new ArrayList<>();
            for (InstructionDraft d : drafts) {
                if (!InstructionText.isValid(d.instruction())) {
                    invalid++;
                } else if (!texts.add(d.instruction().toLowerCase(Locale.ROOT))) {
                    batchDuplicates++;
                } else {
                    valid.add(d);
                }
            }
            if (valid.isEmpty()) {
                return;
            }
            List<float[]> vectors = embedder.embedAll(valid.stream().map(InstructionDraft::instruction).toList());
            for (int i = 0; i < valid.size(); i++) {
                // a near-duplicate only of this source's instructions; the whole corpus only lowers novelty
                double closest = first(corpus.nearestSimilarities(vectors.get(i), 1));
                double closestSameSource = sourceId == null ? closest
                        : first(corpus.nearestSimilaritiesForSource(sourceId, vectors.get(i), 1));
                if (closestSameSource >= settings.corpusSimilarityLimit()) {
                    corpusDuplicates++;
                    continue;
                }
                double bonus = prefer.contains(key(valid.get(i).edit())) ? PREFER_BONUS : 0;
                Candidate c = new Candidate(valid.get(i), vectors.get(i), 1 - Math.max(0, closest) + bonus);
                for (Candidate picked : chosen) {
                    c.maxSimilarityToChosen = Math.max(c.maxSimilarityToChosen, Vectors.dot(c.vector(), picked.vector()));
                }
                pool.add(c);
            }
        }

        private static double first(List<Double> similarities) {
            return similarities.isEmpty() ? 0 : similarities.getFirst();
        }

        /**
         * Picks by MMR until {@code count} are chosen; the category to fill next is the one furthest below its
         * quota, or, when {@code beyondQuota}, furthest below its target share among any that have candidates.
         */
        void pick(CategoryMix target, Map<Category, Integer> quota, int count, boolean beyondQuota) {
            while (chosen.size() < count) {
                batchDuplicates += dropNearDuplicates();
                Category wanted = beyondQuota ? mostUnderservedCategory(target) : furthestBelowQuota(quota);
                if (wanted == null) {
                    return;
                }
                Candidate best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (Candidate c : pool) {
                    if (c.draft().category() != wanted) {
                        continue;
                    }
                    double score = settings.lambda() * c.novelty() - (1 - settings.lambda()) * c.maxSimilarityToChosen;
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                pool.remove(best);
                chosen.add(best);
                chosenPerCategory.merge(wanted, 1, Integer::sum);
                for (Candidate c : pool) {
                    c.maxSimilarityToChosen = Math.max(c.maxSimilarityToChosen, Vectors.dot(c.vector(), best.vector()));
                }
            }
        }

        private int dropNearDuplicates() {
            int before = pool.size();
            pool.removeIf(c -> c.maxSimilarityToChosen >= settings.batchSimilarityLimit());
            return before - pool.size();
        }

        private @Nullable Category furthestBelowQuota(Map<Category, Integer> quota) {
            Set<Category> available = availableCategories();
            Category best = null;
            int bestGap = 0;
            for (Category c : Category.values()) {
                int gap = quota.getOrDefault(c, 0) - count(c);
                if (available.contains(c) && gap > bestGap) {
                    bestGap = gap;
                    best = c;
                }
            }
            return best;
        }

        /** The category, among those with candidates left, furthest below its target share after one more pick. */
        private @Nullable Category mostUnderservedCategory(CategoryMix target) {
            Set<Category> available = availableCategories();
            Category best = null;
            double bestDeficit = Double.NEGATIVE_INFINITY;
            for (Category c : Category.values()) {
                if (!available.contains(c)) {
                    continue;
                }
                double deficit = target.share(c) * (chosen.size() + 1) - count(c);
                if (deficit > bestDeficit) {
                    bestDeficit = deficit;
                    best = c;
                }
            }
            return best;
        }

        private Set<Category> availableCategories() {
            Set<Category> available = new HashSet<>();
            for (Candidate c : pool) {
                available.add(c.draft().category());
            }
            return available;
        }

        Selection selection() {
            return new Selection(chosen.stream().map(Candidate::draft).toList(),
                    chosen.stream().map(Candidate::vector).toList(),
                    candidates, invalid, batchDuplicates, corpusDuplicates);
        }
    }

    /** A candidate with its vector, its novelty against the corpus and its closeness to what is chosen so far. */
    private static final class Candidate {
        private final InstructionDraft draft;
        private final float[] vector;
        private final double novelty;
        private double maxSimilarityToChosen;

        Candidate(InstructionDraft draft, float[] vector, double novelty) {
            this.draft = draft;
            this.vector = vector;
            this.novelty = novelty;
        }

        InstructionDraft draft() {
            return draft;
        }

        float[] vector() {
            return vector;
        }

        double novelty() {
            return novelty;
        }
    }
}
