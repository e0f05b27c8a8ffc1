package dev.ditto.e2e;

import com.google.gson.JsonElement;
import dev.ditto.db.embedded.ServerFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What an operator runs, for the fault drills: the packaged server on a data folder of its own with the embedded
 * PostgreSQL and Elasticsearch it starts itself (no shared test servers), on free ports, plus runner processes with
 * the local runner token from the environment. Everything a drill starts lives under {@code folder}, so "no process
 * left" is a scan of every process's command line and of the pid files for that folder.
 */
final class DrillPlatform implements AutoCloseable {
    static final String ADMIN_PASSWORD = "drill-admin-password";

    final Path root;
    final Path folder;
    final Path data;
    final int port;
    final int pgPort;
    final int esPort;
    final String baseUrl;
    final Api admin;
    private final List<String> extraArguments;
    private @Nullable Process server;
    private final List<Process> runners = new ArrayList<>();

    private DrillPlatform(Path root, Path folder, List<String> extraArguments) throws IOException {
        this.root = root;
        this.folder = folder;
        this.data = folder.resolve("data");
        this.port = RunningPlatform.freePort();
        this.pgPort = RunningPlatform.freePort();
        this.esPort = RunningPlatform.freePort();
        this.baseUrl = "http://127.0.0.1:" + port;
        this.admin = new Api(baseUrl, "admin", ADMIN_PASSWORD);
        this.extraArguments = new ArrayList<>(extraArguments);
    }

    /** A new data folder under {@code e2e/target/drills/<name>-<time>}; nothing started yet. */
    static DrillPlatform create(String name, List<String> extraArguments) {
        try {
            Path root = RunningPlatform.checkout();
            Path folder = Files.createDirectories(root.resolve("e2e/target/drills/" + name + "-" + System.currentTimeMillis()));
            return new DrillPlatform(root, folder, extraArguments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a server argument for the next start. */
    void extraArgument(String argument) {
        extraArguments.add(argument);
    }

    /** The server's command line, as {@code ./ditto up} starts it, with this platform's ports and folder. */
    List<String> serverArguments() {
        List<String> command = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--ditto.data-dir=" + data,
                "--ditto.db.embedded-port=" + pgPort,
                "--ditto.search.embedded-port=" + esPort,
                "--ditto.search.embedded-heap-mb=512",
                "--ditto.security.admin-password=" + ADMIN_PASSWORD,
                "--ditto.runner.local-token-file=" + data.resolve("local-runner.token")));
        command.addAll(extraArguments);
        return command;
    }

    /**
     * Starts the server process and waits until it is ready and its search answers (first start unpacks PostgreSQL and
     * Elasticsearch; the server is ready before its embedded Elasticsearch, which starts once it is).
     */
    DrillPlatform startServer() throws IOException {
        List<String> command = new ArrayList<>(List.of(RunningPlatform.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-jar",
                root.resolve("ui/target/ditto-server.jar").toString()));
        command.addAll(serverArguments());
        Files.createDirectories(data);
        server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("server.log").toFile())).start();
        awaitReady(Duration.ofMinutes(4));
        awaitSearchUp(Duration.ofMinutes(4));
        return this;
    }

    /** Waits until the server's health reports its Elasticsearch {@code UP}. */
    void awaitSearchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                try {
                    String body = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/elasticsearch"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    if (body.contains("\"status\":\"UP\"")) {
                        return;
                    }
                } catch (IOException e) {
                    // not answering yet
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("The server's Elasticsearch was not up within " + timeout + "; see "
                + folder.resolve("server.log"));
    }

    Process server() {
        if (server == null) {
            throw new IllegalStateException("the server was not started");
        }
        return server;
    }

    /** Starts a runner process (token from the file the server wrote, passed in the environment). */
    Process startRunner(String name, String... extra) throws IOException {
        return startRunner(List.of("-Xmx1g", "-jar", runnerJar()), name, extra);
    }

    /**
     * Starts a runner process whose GENERATE engine copies the source clip ({@code DrillCopyRunner}, from the runner
     * module's test classes, launched from the runner jar), for drills that push many jobs through the queue.
     */
    Process startCopyRunner(String name, String... extra) throws IOException {
        return startRunner(List.of("-Xmx256m", "-Dloader.main=dev.ditto.runner.DrillCopyRunner",
                "-Dloader.path=" + root.resolve("gpu-runner/runner/target/test-classes"), "-cp", runnerJar(),
                "org.springframework.boot.loader.launch.PropertiesLauncher"), name, extra);
    }

    private String runnerJar() {
        return root.resolve("gpu-runner/runner/target/ditto-runner.jar").toString();
    }

    private Process startRunner(List<String> launch, String name, String... extra) throws IOException {
        String token = Files.readString(data.resolve("local-runner.token")).strip();
        List<String> command = new ArrayList<>(List.of(RunningPlatform.java(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(launch);
        command.addAll(List.of("--server", baseUrl, "--name", name, "--concurrency", "1",
                "--work-dir", folder.resolve("runner-" + name).toString()));
        command.addAll(List.of(extra));
        // run in the drill's folder, so a JVM crash file (hs_err_pid*.log) would land there and not in the checkout
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("runner-" + name + ".log").toFile()));
        builder.environment().put("DITTO_RUNNER_TOKEN", token);
        Process p = builder.start();
        runners.add(p);
        return p;
    }

    /** Waits until readiness answers 200 or the server process exits. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                if (server != null && !server.isAlive()) {
                    throw new IllegalStateException("The server exited during start-up; see " + folder.resolve("server.log"));
                }
                if (status(http, "/actuator/health/readiness", Duration.ofSeconds(3)) == 200) {
                    return;
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("The server was not ready within " + timeout + "; see " + folder.resolve("server.log"));
    }

    /** The HTTP status of a GET, or -1 when nothing answered within {@code timeout}. */
    int status(HttpClient http, String path, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until {@code count} sources are READY (a runner probes them). */
    List<Long> awaitReadySources(int count, Duration timeout) {
        JsonElement list = admin.await("/api/sources?status=READY&limit=100",
                l -> l.getAsJsonArray().size() >= count, timeout);
        List<Long> ids = new ArrayList<>();
        list.getAsJsonArray().forEach(s -> ids.add(s.getAsJsonObject().get("id").getAsLong()));
        return ids;
    }

    /** A connection to the server's embedded PostgreSQL, for drills that check the data itself. */
    java.sql.Connection database() throws IOException, java.sql.SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/ditto", "ditto",
                Files.readString(data.resolve("postgres.password")).strip());
    }

    /** The embedded PostgreSQL's postmaster, from its pid file. */
    Optional<Long> postmasterPid() {
        return firstLine(ServerFolder.existing(data).resolve("postgres/postmaster.pid"));
    }

    /** The embedded Elasticsearch node, from its pid file. */
    Optional<Long> elasticsearchPid() {
        return firstLine(ServerFolder.existing(data).resolve("elasticsearch/es.pid"));
    }

    private static Optional<Long> firstLine(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.findFirst().map(String::strip).filter(s -> s.matches("\\d+")).map(Long::parseLong)
                    .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every live process whose command line names this drill's folder (server, runners, PostgreSQL, Elasticsearch). */
    List<String> processesLeft() {
        String needle = folder.toString();
        List<String> left = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').strip();
                    if (cmdline.contains(needle) && Long.parseLong(proc.getFileName().toString()) != ProcessHandle.current().pid()) {
                        left.add(proc.getFileName() + " " + (cmdline.length() > 160 ? cmdline.substring(0, 160) + "…" : cmdline));
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return left;
    }

    /** SIGKILL to the server process, waiting until it is gone. */
    void killServer() throws InterruptedException {
        Process p = server();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM to the server (a clean stop) and the time it took to exit, in ms; -1 if it did not within the timeout. */
    long stopServer(Duration timeout) throws InterruptedException {
        Process p = server();
        long t0 = System.nanoTime();
        p.destroy();
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? (System.nanoTime() - t0) / 1_000_000 : -1;
    }

    /** Stops everything a drill may have left (runners, server, the embedded servers), forcibly where need be. */
    @Override
    public void close() {
        runners.forEach(Process::destroy);
        if (server != null) {
            server.destroy();
        }
        for (Process p : runners) {
            awaitOrKill(p);
        }
        if (server != null) {
            awaitOrKill(server);
        }
        // a server killed by the drill leaves its embedded servers behind: the drill's own folder, so stop them
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
        elasticsearchPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
    }

    private static void awaitOrKill(Process p) {
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
