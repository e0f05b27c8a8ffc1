package dev.ditto.platform;

import dev.ditto.db.embedded.EmbeddedElasticsearch;
import dev.ditto.db.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Starts the embedded PostgreSQL and Elasticsearch for whichever of the two has no URL configured, and stops
 * what it started when the application closes.
 */
public class EmbeddedInfrastructure implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    static final String EMBEDDED_DATABASE = "ditto";

    private final DittoProperties properties;
    private final Path root;
    private final @Nullable EmbeddedPostgres postgres;
    private volatile @Nullable EmbeddedElasticsearch elasticsearch;
    private volatile boolean closed;

    public EmbeddedInfrastructure(DittoProperties properties) {
        this.properties = properties;
        Path root = properties.dataDir().toAbsolutePath().normalize();
        this.root = root;
        EmbeddedPostgres pg = null;
        EmbeddedElasticsearch es = null;
        try {
            if (properties.db().url() == null) {
                long t0 = System.nanoTime();
                pg = EmbeddedPostgres.start(root, properties.db().embeddedPort());
                pg.createDatabaseIfMissing(EMBEDDED_DATABASE);
                log.info("Embedded PostgreSQL ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
            if (properties.search().url() == null) {
                long t0 = System.nanoTime();
                es = startElasticsearch(properties, root);
                log.info("Embedded Elasticsearch ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
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
    }

    /** The embedded PostgreSQL, when one was started. */
    public @Nullable EmbeddedPostgres postgres() {
        return postgres;
    }

    /** The embedded Elasticsearch, when one was started. */
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
        if (closed || es == null || es.running()) {
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
        Path distribution = properties.search().embeddedDistribution() != null
                ? properties.search().embeddedDistribution() : EmbeddedElasticsearch.defaultDistribution();
        return EmbeddedElasticsearch.start(root, distribution, properties.search().embeddedPort(),
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
