package dev.ditto.ui.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.search.Hit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchResultsGridTest {

    @Test
    void anInstructionWithoutHighlightsIsEscapedText() {
        Hit hit = hit("Paint <script>alert(1)</script> on the wall", Map.of());

        assertThat(SearchResultsGrid.instructionHtml(hit)).isEqualTo("Paint &lt;script&gt;alert(1)&lt;/script&gt; on the wall");
        assertThat(SearchResultsGrid.captionHtml(hit)).isEmpty();
    }

    @Test
    void highlightsKeepTheEmphasisAndTheEscapedText() {
        Hit hit = hit("Paint <b> quokkas", Map.of("instruction", List.of("Paint &lt;b&gt; <em>quokkas</em>"),
                "caption", List.of("two <em>quokkas</em> &amp; a cat")));

        assertThat(SearchResultsGrid.instructionHtml(hit)).isEqualTo("Paint &lt;b&gt; <em>quokkas</em>");
        assertThat(SearchResultsGrid.captionHtml(hit)).isEqualTo("Caption: two <em>quokkas</em> &amp; a cat");
    }

    @Test
    void anyOtherMarkupInAHighlightIsDroppedEvenIfTheIndexLetItThrough() {
        Hit hit = hit("x", Map.of("instruction", List.of("<em onmouseover=\"alert(1)\">x</em><script>alert(2)</script><img src=y onerror=z>")));

        assertThat(SearchResultsGrid.instructionHtml(hit)).isEqualTo("<em>x</em>");
    }

    private static Hit hit(String instruction, Map<String, List<String>> highlights) {
        return new Hit(1, 1.0, instruction, null, "GLOBAL_STYLE", "IN_REVIEW", List.of(), 0.8, 1, null, List.of(), null, highlights,
                highlights.isEmpty() ? Hit.MatchedBy.MEANING : Hit.MatchedBy.WORDS);
    }
}
