package dev.ditto.db.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Elasticsearch cluster of several nodes on 127.0.0.1, from the same distribution as
 * {@link EmbeddedElasticsearch} (unpacked once under the same folder and shared): each node has its own
 * configuration, data and logs under {@code <servers' folder>/<name>/node-<i>}, its own HTTP and transport port, and
 * finds the others through {@code discovery.seed_hosts}; the first start bootstraps the cluster from every node
 * ({@code cluster.initial_master_nodes}). Started as the unprivileged user like the single node. A throwaway cluster
 * for tests and drills: every start begins with empty data folders; {@link #close()} stops every node.
 */
public final class EmbeddedElasticsearchCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearchCluster.class);

    private final String name;
    private final List<Path> nodeDirs;
    private final List<Integer> httpPorts;

    private EmbeddedElasticsearchCluster(String name, List<Path> nodeDirs, List<Integer> httpPorts) {
        this.name = name;
        this.nodeDirs = nodeDirs;
        this.httpPorts = httpPorts;
    }

    /**
     * Starts {@code nodes} nodes on free ports forming the cluster {@code name}, all master-eligible data nodes, and
     * waits until every one has joined and the cluster is green.
     *
     * @param root   the data folder (its {@link ServerFolder servers' folder} holds the distribution and the nodes)
     * @param heapMb JVM heap of each node (384 is enough for tests; a real cluster needs far more)
     */
    public static EmbeddedElasticsearchCluster start(Path root, Path distribution, String name, int nodes, int heapMb)
            throws IOException {
        return start(root, distribution, name, nodes, heapMb, Speed.SERVING);
    }

    /**
     * How the nodes' JVMs compile: {@code SERVING} as Elasticsearch ships (both JIT compilers: slower to start,
     * fastest once warm), {@code QUICK_START} with the client compiler only, for tests on a small machine where three
     * nodes starting at once would otherwise spend minutes compiling (searches then run slower, which a test of
     * behaviour does not mind).
     */
    public enum Speed { SERVING, QUICK_START }

    /** {@link #start(Path, Path, String, int, int)} with the nodes' JVMs compiling for {@code speed}. */
    public static EmbeddedElasticsearchCluster start(Path root, Path distribution, String name, int nodes, int heapMb,
                                                     Speed speed) throws IOException {
        String[] jvmOptions = speed == Speed.QUICK_START ? new String[] {"-XX:TieredStopAtLevel=1"} : new String[0];
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodes);
        }
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("cluster name must be lower-case letters, digits and dashes: " + name);
        }
        Path servers = ServerFolder.of(root.toAbsolutePath());
        Path home = EmbeddedElasticsearch.unpacked(servers, distribution);
        List<Integer> ports = freePorts(2 * nodes);
        List<Integer> http = ports.subList(0, nodes);
        List<Integer> transport = ports.subList(nodes, 2 * nodes);
        String seeds = transport.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String masters = IntStream.range(0, nodes).mapToObj(i -> name + "-" + i).collect(Collectors.joining(","));
        List<Path> dirs = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Path dir = servers.resolve(name).resolve("node-" + i);
            Archives.deleteTree(dir.resolve("data")); // a fresh cluster: no state of an earlier one with other ports
            List<String> command = EmbeddedElasticsearch.prepareNode(home, dir);
            for (String setting : List.of(
                    "cluster.name=" + name, "node.name=" + name + "-" + i,
                    "discovery.seed_hosts=" + seeds, "cluster.initial_master_nodes=" + masters,
                    "network.host=127.0.0.1", "http.port=" + http.get(i), "transport.port=" + transport.get(i),
                    "xpack.security.enabled=false", "xpack.ml.enabled=false",
                    "cluster.routing.allocation.disk.threshold_enabled=false",
                    "path.data=" + dir.resolve("data"), "path.logs=" + dir.resolve("logs"),
                    "action.destructive_requires_name=false")) {
                command.add("-E");
                command.add(setting);
            }
            dirs.add(dir);
            commands.add(command);
        }
        EmbeddedElasticsearchCluster cluster = new EmbeddedElasticsearchCluster(name, dirs, List.copyOf(http));
        log.info("Starting an Elasticsearch {} cluster '{}' of {} nodes on 127.0.0.1:{} (data {})",
                Versions.elasticsearch(), name, nodes, http, servers.resolve(name));
        // in parallel, a thread each (the common pool has one thread on two cores): a node's launcher returns once
        // the node has started, which waits (up to 30 s) for the cluster to form
        List<CompletableFuture<Void>> launches = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int n = i;
            launches.add(CompletableFuture.runAsync(() -> {
                try {
                    var r = ProcessRunner.run(commands.get(n), EmbeddedElasticsearch.environment(dirs.get(n), heapMb, jvmOptions),
                            dirs.get(n).resolve("launcher.log"), 300); // several JVMs starting on few cores
                    if (!r.ok()) {
                        throw new IOException("node " + n + " did not start (exit " + r.exitCode() + "): " + r.output()
                                + "\n" + cluster.logTail(n));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Thread::startVirtualThread));
        }
        try {
            CompletableFuture.allOf(launches.toArray(CompletableFuture[]::new)).join();
            cluster.awaitHealth("green", nodes, Duration.ofSeconds(180));
        } catch (CompletionException | IOException e) {
            cluster.close();
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("The Elasticsearch cluster '" + name + "' did not start: " + cause.getMessage(), cause);
        }
        return cluster;
    }

    /** Number of nodes. */
    public int size() {
        return nodeDirs.size();
    }

    /** The HTTP URL of node {@code i}. */
    public String url(int i) {
        return "http://127.0.0.1:" + httpPorts.get(i);
    }

    /** Every node's URL, comma-separated: what {@code ditto.search.url} takes for a cluster. */
    public String urls() {
        return IntStream.range(0, size()).mapToObj(this::url).collect(Collectors.joining(","));
    }

    /** The process of node {@code i}, while it runs. */
    public Optional<Long> pid(int i) {
        return ProcessRunner.alivePid(nodeDirs.get(i).resolve("es.pid"));
    }

    /** SIGKILL to node {@code i}: gone at once, as when its machine is lost; returns once the process has exited. */
    public void kill(int i) {
        pid(i).flatMap(ProcessHandle::of).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
    }

    /**
     * The cluster's health as node {@code via} reports it after waiting up to {@code wait} for {@code status}
     * ({@code green}, {@code yellow}) and {@code nodes} nodes: the JSON answer, or empty when the node did not answer.
     */
    public Optional<String> health(int via, String status, int nodes, Duration wait) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(via)
                            + "/_cluster/health?wait_for_status=" + status + "&wait_for_nodes=" + nodes
                            + "&wait_for_no_initializing_shards=true&timeout=" + wait.toMillis() + "ms"))
                    .timeout(wait.plusSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 || r.statusCode() == 408 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Waits until some node reports {@code status} with {@code nodes} nodes, or throws after {@code timeout}. */
    public void awaitHealth(String status, int nodes, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no node answered";
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < size(); i++) {
                if (pid(i).isEmpty()) {
                    continue;
                }
                Optional<String> h = health(i, status, nodes, Duration.ofSeconds(2));
                if (h.isPresent()) {
                    last = h.get();
                    if (!last.contains("\"timed_out\":true")) {
                        log.info("Elasticsearch cluster '{}' is {} with {} nodes", name, status, nodes);
                        return;
                    }
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the cluster", e);
            }
        }
        throw new IOException("the cluster '" + name + "' was not " + status + " with " + nodes + " nodes within "
                + timeout.toSeconds() + " s; last health: " + last + "\n" + logTail(0));
    }

    /** The last lines of node {@code i}'s own log. */
    public String logTail(int i) {
        try {
            Path logFile = nodeDirs.get(i).resolve("logs/" + name + ".log");
            return Files.exists(logFile) ? "Last lines of " + logFile + ":\n" + EmbeddedPostgres.tail(logFile) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops every node still running (SIGTERM, SIGKILL after 60 s), all at once. */
    @Override
    public void close() throws IOException {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Path dir : nodeDirs) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    ProcessRunner.stopPid(dir.resolve("es.pid"), 60);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Thread::startVirtualThread));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new IOException("could not stop the cluster '" + name + "'", e.getCause());
        }
        log.info("Elasticsearch cluster '{}' stopped", name);
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
