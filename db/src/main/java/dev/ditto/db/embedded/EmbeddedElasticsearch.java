package dev.ditto.db.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch 9 from the distribution published on Maven Central, unpacked once under
 * the data folder, started as an unprivileged user on 127.0.0.1, health-checked, stopped on close.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);

    private final Path stateDir;
    private final int httpPort;
    private final boolean startedHere;

    private EmbeddedElasticsearch(Path stateDir, int httpPort, boolean startedHere) {
        this.stateDir = stateDir;
        this.httpPort = httpPort;
        this.startedHere = startedHere;
    }

    /**
     * Starts Elasticsearch with its files in {@link ServerFolder#of the servers' folder} of {@code root}, or
     * attaches to the one already running there, and waits until it is healthy.
     *
     * @param distribution the {@code elasticsearch-<v>.zip}; {@link #defaultDistribution()} finds Maven's copy
     * @param heapMb       JVM heap of the node
     */
    public static EmbeddedElasticsearch start(Path root, Path distribution, int httpPort, int heapMb) throws IOException {
        Pending pending = prepare(root, distribution, httpPort, heapMb);
        return pending.reused() ? pending.node() : pending.launch();
    }

    /**
     * The quick half of {@link #start}: finds a node already running on the state folder, or checks the port, unpacks
     * the distribution and prepares the node's folders, so that a wrong setting fails at once; {@link Pending#launch()}
     * is the slow half (the node's own start, seconds), which a caller may run on another thread.
     */
    public static Pending prepare(Path root, Path distribution, int httpPort, int heapMb) throws IOException {
        root = ServerFolder.of(root.toAbsolutePath());
        Path stateDir = root.resolve("elasticsearch");
        EmbeddedElasticsearch running = new EmbeddedElasticsearch(stateDir, httpPort, false);
        if (running.healthy() && running.pid().isPresent()) {
            log.info("Elasticsearch already running from {}, reusing it", stateDir);
            return new Pending(running, List.of(), Map.of());
        }
        if (EmbeddedPostgres.portTaken(httpPort)) {
            throw new IOException("Cannot start the embedded Elasticsearch: port " + httpPort
                    + " is in use by another program. Set ditto.search.embedded.port to a free port, or point ditto.search.url at that cluster.");
        }
        Path home = unpacked(root, distribution);
        List<String> command = prepareNode(home, stateDir);
        for (String setting : List.of(
                "cluster.name=ditto-embedded", "node.name=ditto-embedded", "discovery.type=single-node",
                "network.host=127.0.0.1", "http.port=" + httpPort, "transport.port=" + (httpPort + 100),
                "xpack.security.enabled=false", "xpack.ml.enabled=false",
                "cluster.routing.allocation.disk.threshold_enabled=false",
                "path.data=" + stateDir.resolve("data"), "path.logs=" + stateDir.resolve("logs"),
                "action.destructive_requires_name=false")) {
            command.add("-E");
            command.add(setting);
        }
        return new Pending(new EmbeddedElasticsearch(stateDir, httpPort, true), command, environment(stateDir, heapMb));
    }

    /** A node {@link #prepare prepared} to start, or found running ({@link #reused()}). */
    public static final class Pending {
        private final EmbeddedElasticsearch node;
        private final List<String> command;
        private final Map<String, String> env;

        private Pending(EmbeddedElasticsearch node, List<String> command, Map<String, String> env) {
            this.node = node;
            this.command = command;
            this.env = env;
        }

        /** The node's handle: its URL and pid file are known before it has started. */
        public EmbeddedElasticsearch node() {
            return node;
        }

        /** Whether a healthy node was already running on the state folder (nothing to launch). */
        public boolean reused() {
            return command.isEmpty();
        }

        /** Runs the node's launcher and waits until the node answers healthy. */
        public EmbeddedElasticsearch launch() throws IOException {
            if (reused()) {
                return node;
            }
            log.info("Starting Elasticsearch {} on 127.0.0.1:{} (data {})", Versions.elasticsearch(), node.httpPort, node.stateDir);
            var r = ProcessRunner.run(command, env, node.stateDir.resolve("launcher.log"), 180);
            if (!r.ok()) {
                throw new IOException("Elasticsearch did not start (exit " + r.exitCode() + "): " + r.output() + "\n" + node.serverLogTail());
            }
            node.awaitHealthy(Duration.ofSeconds(120));
            return node;
        }
    }

    /** The distribution unpacked (once) under {@code root}, shared by every node started from that folder. */
    static Path unpacked(Path root, Path distribution) throws IOException {
        if (!Files.isRegularFile(distribution)) {
            throw new IOException("The Elasticsearch distribution is missing: " + distribution + ". Run the build once ("
                    + "./ditto up does) or fetch it: mvn dependency:get -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:"
                    + Versions.elasticsearch() + ":zip -Dtransitive=false");
        }
        Path home = root.resolve("elasticsearch-" + Versions.elasticsearch());
        synchronized (EmbeddedElasticsearch.class) {
            if (!Files.isDirectory(home)) {
                log.info("Unpacking Elasticsearch {} into {} (once)", Versions.elasticsearch(), home);
                Path unpacked = root.resolve(".es-unpack");
                Archives.deleteTree(unpacked);
                Archives.unpackZipOnce(distribution, unpacked);
                Files.move(unpacked.resolve("elasticsearch-" + Versions.elasticsearch()), home, StandardCopyOption.ATOMIC_MOVE);
                Archives.deleteTree(unpacked);
            }
        }
        ProcessRunner.makeExecutable(home.resolve("bin"));
        return home;
    }

    /**
     * Gives a node its own configuration, data, log and temporary folders under {@code stateDir} (handed to the
     * servers' user) and returns its launch command, to which the caller adds its {@code -E} settings.
     */
    static List<String> prepareNode(Path home, Path stateDir) throws IOException {
        Path config = stateDir.resolve("config");
        if (!Files.isDirectory(config)) {
            copyTree(home.resolve("config"), config);
        }
        for (String dir : List.of("data", "logs", "tmp")) {
            Files.createDirectories(stateDir.resolve(dir));
        }
        Files.deleteIfExists(stateDir.resolve("es.pid"));
        ProcessRunner.handOver(stateDir);
        return new ArrayList<>(List.of(home.resolve("bin/elasticsearch").toString(), "-d",
                "-p", stateDir.resolve("es.pid").toString()));
    }

    /** The launcher's environment for a node of {@code heapMb}, with {@code jvmOptions} added to its JVM's. */
    static Map<String, String> environment(Path stateDir, int heapMb, String... jvmOptions) {
        return Map.of(
                "ES_JAVA_HOME", System.getProperty("java.home"),
                "ES_PATH_CONF", stateDir.resolve("config").toString(),
                "ES_TMPDIR", stateDir.resolve("tmp").toString(),
                "ES_JAVA_OPTS", ("-Xms" + heapMb + "m -Xmx" + heapMb + "m -XX:-HeapDumpOnOutOfMemoryError "
                        + String.join(" ", jvmOptions)).strip());
    }

    /** The distribution zip in the local Maven repository, where the build put it. */
    public static Path defaultDistribution() {
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        String v = Versions.elasticsearch();
        return Path.of(repo, "org/elasticsearch/distribution/integ-test-zip/elasticsearch", v, "elasticsearch-" + v + ".zip");
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Whether this process started the node (false: it was found running on the state folder and reused). */
    public boolean startedHere() {
        return startedHere;
    }

    /** Whether the node's process is alive (it may still be starting or busy; {@link #url()} answers when it is up). */
    public boolean running() {
        return pid().isPresent();
    }

    /** The last lines of the node's own log, to say why it stopped. */
    public String logTail() {
        return serverLogTail();
    }

    /** Stops the node (SIGTERM, then waits for it to exit). */
    public void stop() throws IOException {
        if (pid().isEmpty()) {
            return;
        }
        ProcessRunner.stopPid(stateDir.resolve("es.pid"), 60);
        log.info("Elasticsearch stopped");
    }

    @Override
    public void close() throws IOException {
        if (startedHere) {
            stop();
        }
    }

    private Optional<Long> pid() {
        return ProcessRunner.alivePid(stateDir.resolve("es.pid"));
    }

    private boolean healthy() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (healthy()) {
                log.info("Elasticsearch is up at {}", url());
                return;
            }
            if (pid().isEmpty() && System.nanoTime() > deadline - timeout.toNanos() + 20_000_000_000L) {
                throw new IOException("Elasticsearch exited during start-up.\n" + serverLogTail());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch", e);
            }
        }
        throw new IOException("Elasticsearch did not become healthy within " + timeout.toSeconds() + " s.\n" + serverLogTail());
    }

    private String serverLogTail() {
        try {
            Path logFile = stateDir.resolve("logs/ditto-embedded.log");
            return Files.exists(logFile) ? "Last lines of " + logFile + ":\n" + EmbeddedPostgres.tail(logFile) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
