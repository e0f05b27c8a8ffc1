package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.outbox.Outbox;
import dev.ditto.testing.DittoIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A first page's facets on real Elasticsearch: every match counted exactly while the matches are few, an estimate for
 * all matches scaled from a random sample once they are many ({@code facet-sample} 40 here, so 80 matches is the line).
 */
@DittoIntegrationTest
@TestPropertySource(properties = {"ditto.search.indexer.enabled=false", "ditto.search.query.facet-sample=40"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchFacetSampleIT {
    @Autowired JdbcClient jdbc;
    @Autowired Outbox outbox;
    @Autowired OutboxIndexer indexer;
    @Autowired SampleSearch search;
    @Autowired ApplicationContext context;

    /** Words no other test's samples use, so the counts are this corpus's alone. */
    static final String MANY = "zeppelinfrost";
    static final String FEW = "quokkadrizzle";

    @BeforeAll
    void indexTheCorpus() throws Exception {
        var fixtures = new SampleFixtures(jdbc, outbox);
        var source = fixtures.aSource("a tram crosses a square", "urban");
        // 240 matches of MANY: 180 GLOBAL_FREEFORM, 60 LOCAL_ADD, 30 of them accepted
        for (int i = 0; i < 240; i++) {
            var sample = fixtures.aSample(source, "Cover the square in " + MANY + " number " + i)
                    .category(i % 4 == 0 ? "LOCAL_ADD" : "GLOBAL_FREEFORM").judged(0.5 + (i % 5) / 10.0);
            if (i % 8 == 0) {
                sample.status("ACCEPTED");
            }
            sample.build();
        }
        // 30 matches of FEW: 20 BACKGROUND, 10 LOCAL_REMOVE
        for (int i = 0; i < 30; i++) {
            fixtures.aSample(source, "Let a " + FEW + " fall on the tram " + i)
                    .category(i % 3 == 0 ? "LOCAL_REMOVE" : "BACKGROUND").judged(0.7).build();
        }
        SampleFixtures.indexEverything(indexer, context);
    }

    @Test
    void fewMatchesAreCountedExactly() {
        SearchPage page = search.search(SearchRequest.text(FEW).withWordsOnly(true));

        assertThat(page.facetsSampled()).isFalse();
        Facet categories = page.facet("category").orElseThrow();
        assertThat(categories.count("BACKGROUND")).isEqualTo(20);
        assertThat(categories.count("LOCAL_REMOVE")).isEqualTo(10);
        ScoreSummary judge = page.scoreSummaries().stream().filter(s -> s.field() == ScoreField.JUDGE_OVERALL).findFirst().orElseThrow();
        assertThat(judge.count()).isEqualTo(30);
    }

    @Test
    void manyMatchesAreEstimatedFromASampleScaledToAllOfThem() {
        SearchPage page = search.search(SearchRequest.text(MANY).withWordsOnly(true));

        assertThat(page.facetsSampled()).isTrue();
        Facet categories = page.facet("category").orElseThrow();
        long freeform = categories.count("GLOBAL_FREEFORM");
        long add = categories.count("LOCAL_ADD");
        // about 48 of the 240 are sampled (probability 40/240); scaled back, the counts add up to about 240, not 48.
        // The bounds are three and a half standard deviations of the sample size either side.
        assertThat(freeform + add).isBetween(120L, 360L);
        assertThat(freeform).as("three times as many freeform as add").isGreaterThan(add);
        // the hits are not sampled: a full page, every one of them a match
        assertThat(page.hits()).hasSize(20).allSatisfy(h -> assertThat(h.instruction()).contains(MANY));
    }

    @Test
    void theSameSearchSamplesTheSameMatches() {
        SearchRequest request = SearchRequest.text(MANY).withWordsOnly(true);
        Facet first = search.search(request).facet("category").orElseThrow();
        Facet again = search.search(request).facet("category").orElseThrow();

        assertThat(again.buckets()).isEqualTo(first.buckets());
    }

    @Test
    void aFilterThatLeavesFewMatchesCountsThemExactly() {
        SearchPage page = search.search(SearchRequest.text(MANY).withWordsOnly(true).withStatuses(java.util.List.of("ACCEPTED")));

        assertThat(page.facetsSampled()).isFalse();
        assertThat(page.facet("status").orElseThrow().count("ACCEPTED")).isEqualTo(30);
    }
}
