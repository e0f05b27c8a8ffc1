package dev.ditto.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoryMixTest {

    @Test
    void defaultMixIsSeventyPercentGlobal() {
        assertThat(CategoryMix.defaultMix().globalShare()).isCloseTo(0.70, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void allocationSumsToTotalAndFollowsShares() {
        Map<Category, Integer> counts = CategoryMix.defaultMix().allocate(100);
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(counts.get(Category.GLOBAL_STYLE)).isEqualTo(40);
        assertThat(CategoryMix.defaultMix().allocate(7).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);
    }

    @Test
    void restrictingRenormalisesOverAllowedCategories() {
        CategoryMix mix = CategoryMix.defaultMix().restrictedTo(List.of(Category.GLOBAL_STYLE, Category.GLOBAL_FREEFORM));
        assertThat(mix.share(Category.GLOBAL_STYLE) + mix.share(Category.GLOBAL_FREEFORM)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(mix.share(Category.LOCAL_REMOVE)).isZero();
    }

    @Test
    void seededAllocationGivesSmallCategoriesTheirShareOverManyBatches() {
        CategoryMix mix = CategoryMix.defaultMix();
        Map<Category, Integer> totals = new java.util.EnumMap<>(Category.class);
        for (long seed = 0; seed < 2_000; seed++) {
            Map<Category, Integer> batch = mix.allocate(10, seed);
            assertThat(batch.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
            batch.forEach((c, n) -> totals.merge(c, n, Integer::sum));
        }
        for (Category c : Category.values()) {
            assertThat(totals.getOrDefault(c, 0) / 20_000.0).as(c.name()).isCloseTo(mix.share(c), org.assertj.core.data.Offset.offset(0.01));
        }
        assertThat(mix.allocate(10, 3)).isEqualTo(mix.allocate(10, 3));
    }
}
