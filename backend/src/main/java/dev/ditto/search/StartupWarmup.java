package dev.ditto.search;

import dev.ditto.platform.ElasticsearchRestarted;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With {@code ditto.search.warmup.on-start}, warms the live index on one background thread once the server is up,
 * and again when the embedded Elasticsearch has been restarted ({@link SearchProperties.Warmup}): searches work from the first second, and after about a minute they run at the
 * speed of a node that has been serving. Elasticsearch being down or empty only skips it.
 */
@Component
class StartupWarmup {
    private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

    private final SampleIndex index;
    private final SampleSearch search;
    private final SearchProperties.Warmup warmup;

    StartupWarmup(SampleIndex index, SampleSearch search, SearchProperties properties) {
        this.index = index;
        this.search = search;
        this.warmup = properties.warmup();
    }

    @EventListener({ApplicationReadyEvent.class, ElasticsearchRestarted.class})
    void start() {
        if (warmup.onStart() && warmup.duration().isPositive()) {
            Thread.ofPlatform().daemon().name("search-warmup").priority(Thread.MIN_PRIORITY).start(this::run);
        }
    }

    /** Warms the live index now; how many searches ran (0 when there is nothing to warm or Elasticsearch is away). */
    int run() {
        try {
            Optional<String> live = index.currentIndex();
            if (live.isEmpty()) {
                return 0;
            }
            long samples = index.count(live.get());
            return samples == 0 ? 0 : search.warm(live.get(), warmup.duration(), warmup.searchesFor(samples));
        } catch (IOException | RuntimeException e) {
            log.info("Search warm-up skipped: {}", e.getMessage());
            return 0;
        }
    }
}
