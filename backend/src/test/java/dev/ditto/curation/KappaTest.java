package dev.ditto.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KappaTest {
    @Test
    void matchesTheTextbookExample() {
        // 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15 → p_o 0.7, p_e 0.5, kappa 0.4.
        List<Kappa.Pair> pairs = new ArrayList<>();
        add(pairs, 20, true, true);
        add(pairs, 5, true, false);
        add(pairs, 10, false, true);
        add(pairs, 15, false, false);

        Kappa.Figures figures = Kappa.of(pairs);

        assertThat(figures.n()).isEqualTo(50);
        assertThat(figures.percent()).isCloseTo(70.0, offset(1e-9));
        assertThat(figures.kappa()).isCloseTo(0.4, offset(1e-9));
    }

    @Test
    void isUndefinedWithoutPairsOrWhenBothAlwaysSayTheSame() {
        assertThat(Kappa.of(List.of()).percent()).isNull();
        List<Kappa.Pair> unanimous = new ArrayList<>();
        add(unanimous, 3, true, true);
        assertThat(Kappa.of(unanimous).percent()).isEqualTo(100.0);
        assertThat(Kappa.of(unanimous).kappa()).isNull();
    }

    @Test
    void perfectDisagreementIsNegative() {
        List<Kappa.Pair> pairs = new ArrayList<>();
        add(pairs, 5, true, false);
        add(pairs, 5, false, true);
        assertThat(Kappa.of(pairs).kappa()).isCloseTo(-1.0, offset(1e-9));
    }

    private static void add(List<Kappa.Pair> pairs, int n, boolean a, boolean b) {
        for (int i = 0; i < n; i++) {
            pairs.add(new Kappa.Pair(a, b));
        }
    }
}
