package dev.ditto.curation;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Percent agreement and Cohen's kappa of two raters giving yes/no answers to the same items. */
final class Kappa {
    private Kappa() {}

    /** One item: what rater A and rater B said (true = accept). */
    record Pair(boolean a, boolean b) {}

    /** The figures for {@code pairs}; both null without pairs, kappa null where chance agreement is 1. */
    record Figures(long n, @Nullable Double percent, @Nullable Double kappa) {}

    static Figures of(List<Pair> pairs) {
        long n = pairs.size();
        if (n == 0) {
            return new Figures(0, null, null);
        }
        long agree = 0;
        long aYes = 0;
        long bYes = 0;
        for (Pair p : pairs) {
            if (p.a() == p.b()) {
                agree++;
            }
            if (p.a()) {
                aYes++;
            }
            if (p.b()) {
                bYes++;
            }
        }
        double observed = (double) agree / n;
        double pa = (double) aYes / n;
        double pb = (double) bYes / n;
        double expected = pa * pb + (1 - pa) * (1 - pb);
        Double kappa = expected >= 1.0 - 1e-12 ? null : (observed - expected) / (1 - expected);
        return new Figures(n, 100.0 * observed, kappa);
    }
}
