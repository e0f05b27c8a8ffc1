package dev.ditto.curation;

import org.jspecify.annotations.Nullable;

/**
 * How often decisions agree, as a percentage and as Cohen's kappa (agreement corrected for chance; null where it is
 * undefined: no comparisons, or both sides always gave the same answer).
 *
 * @param curatorPairs        pairs of accept/reject decisions by two curators on the same sample
 * @param judgeComparisons    curator decisions compared with the judge's verdict on the same sample
 */
public record Agreement(long curatorPairs, @Nullable Double curatorPercent, @Nullable Double curatorKappa,
                        long judgeComparisons, @Nullable Double judgePercent, @Nullable Double judgeKappa) {}
