package dev.ditto.platform;

import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Starts the embedded PostgreSQL and Elasticsearch for whichever of the two has no URL configured, and stops
 * what it started when the application closes.
 *
 * <p>PostgreSQL is started before the context goes on (everything needs it; under a second on a warm folder).
 * Elasticsearch's own start takes 10-15 s of two cores' CPU, and only search and near-duplicate checks need it, so
 * its quick half (port check, unpacking, folders: a wrong setting still stops the server) runs here, and the node's
 * start runs on a thread of its own once {@link #startElasticsearch()} is called: the server calls it when it is
 * ready (on two cores, starting both at once made both slower), so the server is ready before search is, and until
 * the node answers, searches answer 503 "search is unavailable" and the indexer catches up afterwards, as in any
 * Elasticsearch outage. {@link #elasticsearchUp()} completes when it answers.
 */
public class EmbeddedInfrastructure implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    static final String EMBEDDED_DATABASE = "ditto";

    private final DittoProperties properties;
    private final Path root;
    private final @Nullable EmbeddedPostgres postgres;
    private volatile @Nullable EmbeddedElasticsearch elasticsearch;
    private final CompletableFuture<EmbeddedElasticsearch> elasticsearchStart = new CompletableFuture<>();
    private final @Nullable Thread elasticsearchStarter;
    private volatile boolean closed;

    public EmbeddedInfrastructure(DittoProperties properties) {
        this.properties = properties;
        Path root = properties.dataDir().toAbsolutePath().normalize();
        this.root = root;
        EmbeddedPostgres pg = null;
        EmbeddedElasticsearch es = null;
        Thread starter = null;
        try {
            if (properties.db().url() == null) {
                long t0 = System.nanoTime();
                pg = EmbeddedPostgres.start(root, properties.db().embeddedPort());
                pg.createDatabaseIfMissing(EMBEDDED_DATABASE);
                log.info("Embedded PostgreSQL ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
            if (properties.search().url() == null) {
                EmbeddedElasticsearch.Pending pending = prepareElasticsearch(properties, root);
                es = pending.node();
                if (pending.reused()) {
                    elasticsearchStart.complete(es);
                } else {
                    starter = Thread.ofPlatform().name("embedded-elasticsearch-start").daemon()
                            .unstarted(() -> launchElasticsearch(pending));
                }
            }
        } catch (IOException | java.sql.SQLException | RuntimeException e) {
            stopQuietly(pg, es);
            String which = pg == null && properties.db().url() == null ? "embedded PostgreSQL" : "embedded Elasticsearch";
            throw new InfrastructureUnavailableException(which, "could not be started under " + root,
                    "Read the message above; set ditto.data-dir to a writable folder, free the port, or configure "
                            + "ditto.db.url / ditto.search.url to use servers you run yourself.", e);
        }
        this.postgres = pg;
        this.elasticsearch = es;
        this.elasticsearchStarter = starter;
    }

    /**
     * Starts the embedded node on a thread of its own (once; nothing when none is embedded, one was found running,
     * or the server is closing). {@link #elasticsearchUp()} completes when it answers.
     */
    public synchronized void startElasticsearch() {
        Thread starter = elasticsearchStarter;
        if (starter != null && !closed && starter.getState() == Thread.State.NEW) {
            starter.start();
        }
    }

    private void launchElasticsearch(EmbeddedElasticsearch.Pending pending) {
        long t0 = System.nanoTime();
        try {
            pending.launch();
            log.info("Embedded Elasticsearch ready in {} ms (started once the server was ready; search answered 503 until now)",
                    (System.nanoTime() - t0) / 1_000_000);
            elasticsearchStart.complete(pending.node());
        } catch (IOException | RuntimeException e) {
            log.error("The embedded Elasticsearch did not start under {}: {}. Search answers 503 until it does; the "
                    + "watchdog starts it again while its process is not running.", root, e.getMessage());
            elasticsearchStart.completeExceptionally(e);
        }
    }

    /**
     * Completes with the embedded node once it answers (at once when none is embedded or one was already running),
     * exceptionally when its start failed.
     */
    public CompletableFuture<Void> elasticsearchUp() {
        if (elasticsearch == null) {
            return CompletableFuture.completedFuture(null);
        }
        return elasticsearchStart.thenApply(node -> null);
    }

    /** Whether the embedded node's first start is still to come or under way. */
    public boolean elasticsearchStarting() {
        Thread starter = elasticsearchStarter;
        return starter != null && !closed && (starter.isAlive() || starter.getState() == Thread.State.NEW);
    }

    /** The embedded PostgreSQL, when one was started. */
    public @Nullable EmbeddedPostgres postgres() {
        return postgres;
    }

    /** The embedded Elasticsearch, when one is embedded: its handle (URL, process) exists while it is still starting. */
    public @Nullable EmbeddedElasticsearch elasticsearch() {
        return elasticsearch;
    }

    /**
     * Starts the embedded Elasticsearch again when its process has exited (killed for memory, crashed), on the same
     * data and port, so the client, the index and the outbox carry on where they were: searches fail with
     * "unavailable" meanwhile, and the indexer catches up once it is back.
     *
     * @return whether it had exited and was started again
     */
    public synchronized boolean reviveElasticsearch() {
        EmbeddedElasticsearch es = elasticsearch;
        if (closed || es == null || elasticsearchStarting() || es.running()) {
            return false;
        }
        log.warn("The embedded Elasticsearch has exited; starting it again on the same data. {}", es.logTail());
        try {
            long t0 = System.nanoTime();
            elasticsearch = startElasticsearch(properties, root);
            log.info("Embedded Elasticsearch is back in {} ms", (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException | RuntimeException e) {
            log.error("Starting the embedded Elasticsearch again failed (next try in a moment): {}", e.getMessage());
            return false;
        }
    }

    /**
     * Starts the embedded PostgreSQL again when its postmaster has exited (killed, crashed), on the same data and port:
     * the connection pool reconnects by itself and the APIs answer 503 meanwhile.
     *
     * @return whether it had exited and was started again
     */
    public synchronized boolean revivePostgres() {
        EmbeddedPostgres pg = postgres;
        if (closed || pg == null || pg.running()) {
            return false;
        }
        log.warn("The embedded PostgreSQL has exited; starting it again on the same data (it recovers from its WAL)");
        try {
            long t0 = System.nanoTime();
            pg.restart();
            log.info("Embedded PostgreSQL is back in {} ms", (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException | RuntimeException e) {
            log.error("Starting the embedded PostgreSQL again failed (next try in a moment): {}", e.getMessage());
            return false;
        }
    }

    private static EmbeddedElasticsearch startElasticsearch(DittoProperties properties, Path root) throws IOException {
        return prepareElasticsearch(properties, root).launch();
    }

    private static EmbeddedElasticsearch.Pending prepareElasticsearch(DittoProperties properties, Path root) throws IOException {
        Path distribution = properties.search().embeddedDistribution() != null
                ? properties.search().embeddedDistribution() : EmbeddedElasticsearch.defaultDistribution();
        return EmbeddedElasticsearch.prepare(root, distribution, properties.search().embeddedPort(),
                properties.search().embeddedHeapMb());
    }

    /**
     * A clean stop stops both embedded servers on this data folder, also ones this server found running and reused
     * (left by a server that crashed, or restarted by the watchdog): the data folder is this server's alone, and a
     * stop must leave no process behind.
     */
    @Override
    public synchronized void destroy() {
        closed = true;
        Thread starter = elasticsearchStarter;
        if (starter != null && starter.isAlive()) {
            // the node's launcher returns once the node runs and has written its pid file: stop it after that, so a
            // server stopped during its start leaves no node behind
            log.info("Waiting for the embedded Elasticsearch's start to finish before stopping it");
            try {
                starter.join(Duration.ofSeconds(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EmbeddedPostgres pg = postgres;
        EmbeddedElasticsearch es = elasticsearch;
        if (pg != null && !pg.startedHere()) {
            log.info("Stopping the embedded PostgreSQL this server reused (it was running when the server started)");
        }
        if (es != null && !es.startedHere()) {
            log.info("Stopping the embedded Elasticsearch this server reused (it was running when the server started)");
        }
        stopAlways(pg, es);
    }

    /** Stops what this server started, when its own start fails half-way. */
    private static void stopQuietly(@Nullable EmbeddedPostgres pg, @Nullable EmbeddedElasticsearch es) {
        if (es != null) {
            try {
                es.close();
            } catch (IOException | RuntimeException e) {
                log.warn("Stopping Elasticsearch failed: {}", e.getMessage());
            }
        }
        if (pg != null) {
            try {
                pg.close();
            } catch (IOException | RuntimeException e) {
                log.warn("Stopping PostgreSQL failed: {}", e.getMessage());
            }
        }
    }

    private static void stopAlways(@Nullable EmbeddedPostgres pg, @Nullable EmbeddedElasticsearch es) {
        if (es != null) {
            try {
                es.stop();
            } catch (IOException | RuntimeException e) {
                log.warn("Stopping Elasticsearch failed: {}", e.getMessage());
            }
        }
        if (pg != null) {
            try {
                pg.stop();
            } catch (IOException | RuntimeException e) {
                log.warn("Stopping PostgreSQL failed: {}", e.getMessage());
            }
        }
    }
}
