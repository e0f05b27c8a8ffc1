package dev.ditto.e2e;

import dev.ditto.db.testing.SharedInfrastructure;
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
import org.jspecify.annotations.Nullable;

/**
 * The packaged server ({@code ui/target/ditto-server.jar}) started as its own process against the build's
 * shared PostgreSQL and Elasticsearch (a fresh schema and index prefix), plus runner processes
 * ({@code gpu-runner/runner/target/ditto-runner.jar}) that tests may start and kill.
 */
final class RunningPlatform {
    static final String ADMIN_PASSWORD = "e2e-admin-password";

    private static @Nullable RunningPlatform instance;

    final Path root;
    final Path work;
    final int port;
    final String baseUrl;
    /** The platform's own schema of the shared test database (a benchmark writes large corpora there directly). */
    final SharedInfrastructure.IsolatedSchema schema;
    private final Process server;
    private final List<Process> runners = new ArrayList<>();

    private RunningPlatform(Path root, Path work, int port, Process server, SharedInfrastructure.IsolatedSchema schema) {
        this.schema = schema;
        this.root = root;
        this.work = work;
        this.port = port;
        this.baseUrl = "http://127.0.0.1:" + port;
        this.server = server;
    }

    /** The one platform every journey in this JVM shares; stopped when the JVM exits. */
    static synchronized RunningPlatform get() {
        if (instance == null) {
            instance = fresh(List.of());
        }
        return instance;
    }

    /**
     * A platform of its own (own schema, index prefix, data folder and runners) with extra server arguments, for a
     * journey whose counts must not see other journeys' data; the caller stops it (or the JVM's exit does).
     */
    static RunningPlatform fresh(List<String> extraArguments) {
        try {
            RunningPlatform started = start(extraArguments);
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The checkout whose jars are under test: the one Maven runs in, not the folder of the shared test servers
     * ({@code -Dditto.test.root} may point a second checkout at another one's servers).
     */
    static Path checkout() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("ditto")) && Files.exists(p.resolve("e2e/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("Run the browser journeys inside a Ditto checkout (no ./ditto found above "
                + Path.of("").toAbsolutePath() + ")");
    }

    private static RunningPlatform start(List<String> extraArguments) throws IOException {
        Path root = checkout();
        Path jar = root.resolve("ui/target/ditto-server.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("The packaged server is missing: " + jar + " (the build makes it before e2e)");
        }
        var pg = SharedInfrastructure.postgres();
        var es = SharedInfrastructure.elasticsearch();
        var schema = SharedInfrastructure.newEmptySchema();
        Path work = Files.createDirectories(root.resolve("e2e/target/platform-" + System.currentTimeMillis() + "-" + System.nanoTime() % 1000));
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        // extra JVM options of the server for a benchmark's experiments, e.g. -XX:StartFlightRecording=filename=/tmp/server.jfr
        String serverJvm = System.getProperty("ditto.bench.server-jvm", "").strip();
        if (!serverJvm.isEmpty()) {
            command.addAll(List.of(serverJvm.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(),
                "--server.port=" + port,
                "--ditto.db.url=" + pg.jdbcUrl(SharedInfrastructure.DATABASE),
                "--ditto.db.username=" + pg.username(),
                "--ditto.db.password=" + pg.password(),
                "--ditto.db.schema=" + schema.name(),
                "--ditto.search.url=" + es.url(),
                "--ditto.search.index-prefix=" + SharedInfrastructure.newIndexPrefix(),
                "--ditto.data-dir=" + work.resolve("data"),
                "--ditto.demo.enabled=false",
                "--ditto.releases.publish-roots=" + System.getProperty("java.io.tmpdir"), // the folder-publish journey
                "--ditto.security.admin-password=" + ADMIN_PASSWORD,
                "--ditto.runner.lease-seconds=15",
                "--ditto.runner.heartbeat-seconds=3"));
        command.addAll(extraArguments);
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile()).start();
        RunningPlatform platform = new RunningPlatform(root, work, port, server, schema);
        platform.awaitHealthy(Duration.ofSeconds(180));
        return platform;
    }

    /** Starts a runner process with {@code token}; its output goes to {@code runner-<name>.log}. */
    Process startRunner(String name, String token) throws IOException {
        Path jar = root.resolve("gpu-runner/runner/target/ditto-runner.jar");
        Process p = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-jar", jar.toString(),
                "--server", baseUrl, "--token", token, "--name", name, "--concurrency", "1",
                "--work-dir", work.resolve("runner-" + name).toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("runner-" + name + ".log").toFile()).start();
        runners.add(p);
        return p;
    }

    String serverLog() {
        try {
            return Files.readString(work.resolve("server.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("The server exited during start-up:\n" + serverLog());
                }
                try {
                    var r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("The server did not become healthy within " + timeout + ":\n" + serverLog());
    }

    /** Stops runners and the server; nothing may outlive the test JVM (a runner's grace period would). */
    void stop() {
        runners.forEach(Process::destroy);
        server.destroy();
        for (Process p : runners) {
            awaitOrKill(p);
        }
        awaitOrKill(server);
    }

    private static void awaitOrKill(Process p) {
        try {
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
