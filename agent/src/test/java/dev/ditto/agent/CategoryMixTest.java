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
}
