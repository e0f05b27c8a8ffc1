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

    /** Writes candidates for the source with the configured writer and chooses {@code count} of them. */
    public Selection select(SourceFacts source, CategoryMix mix, int count, long seed) {
        List<InstructionDraft> candidates = writer.write(source, mix, count * settings.oversample(), seed);
        CategoryMix target = mix.restrictedTo(EditSpecRules.categoriesFor(source));
        return choose(candidates, target, count);
    }

    /** Chooses up to {@code count} of the given candidates for a batch with the target mix. */
    public Selection choose(List<InstructionDraft> candidates, CategoryMix target, int count) {
        List<InstructionDraft> valid = new ArrayList<>();
        Set<String> texts = new HashSet<>();
        int invalid = 0;
        int batchDuplicates = 0;
        for (InstructionDraft d : candidates) {
            if (!InstructionText.isValid(d.instruction())) {
                invalid++;
            } else if (!texts.add(d.instruction().toLowerCase(Locale.ROOT))) {
                batchDuplicates++;
            } else {
                valid.add(d);
            }
        }
        List<float[]> vectors = valid.isEmpty() ? List.of() : embedder.embedAll(valid.stream().map(InstructionDraft::instruction).toList());

        List<Candidate> pool = new ArrayList<>();
        int corpusDuplicates = 0;
        for (int i = 0; i < valid.size(); i++) {
            List<Double> nearest = corpus.nearestSimilarities(vectors.get(i), 1);
            double closest = nearest.isEmpty() ? 0 : nearest.getFirst();
            if (closest >= settings.corpusSimilarityLimit()) {
                corpusDuplicates++;
            } else {
                pool.add(new Candidate(valid.get(i), vectors.get(i), 1 - Math.max(0, closest)));
            }
        }

        List<Candidate> chosen = new ArrayList<>();
        Map<Category, Integer> chosenPerCategory = new EnumMap<>(Category.class);
        while (chosen.size() < count && !pool.isEmpty()) {
            batchDuplicates += dropNearDuplicates(pool, chosen);
            if (pool.isEmpty()) {
                break;
            }
            Category wanted = mostUnderservedCategory(pool, chosenPerCategory, chosen.size(), target);
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
        return new Selection(chosen.stream().map(Candidate::draft).toList(),
                chosen.stream().map(Candidate::vector).toList(),
                candidates.size(), invalid, batchDuplicates, corpusDuplicates);
    }

    private int dropNearDuplicates(List<Candidate> pool, List<Candidate> chosen) {
        if (chosen.isEmpty()) {
            return 0;
        }
        int before = pool.size();
        pool.removeIf(c -> c.maxSimilarityToChosen >= settings.batchSimilarityLimit());
        return before - pool.size();
    }

    /** The category, among those with candidates left, furthest below its target share after one more pick. */
    private static Category mostUnderservedCategory(List<Candidate> pool, Map<Category, Integer> chosenPerCategory,
                                                    int chosenCount, CategoryMix target) {
        Set<Category> available = new HashSet<>();
        for (Candidate c : pool) {
            available.add(c.draft().category());
        }
        Category best = null;
        double bestDeficit = Double.NEGATIVE_INFINITY;
        for (Category c : Category.values()) {
            if (!available.contains(c)) {
                continue;
            }
            double deficit = target.share(c) * (chosenCount + 1) - chosenPerCategory.getOrDefault(c, 0);
            if (deficit > bestDeficit) {
                bestDeficit = deficit;
                best = c;
            }
        }
        return best;
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
