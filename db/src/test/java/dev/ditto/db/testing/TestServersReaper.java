package dev.ditto.db.testing;

import dev.ditto.db.embedded.EmbeddedPostgres;
import dev.ditto.db.embedded.EmbeddedServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Stops the shared test servers once the builds that used them have ended, and drops what the tests created in them
 * first: every schema, index prefix and bucket they recorded. So {@code ./mvnw verify} (or an IDE's test run) leaves no
 * PostgreSQL, Elasticsearch or s3proxy running and no test schema behind, while the servers are still shared by every
 * module of one build.
 *
 * <p>Each test JVM that uses the servers registers the build it belongs to: its parent process (the Maven JVM that forked
 * it), in {@code <root>/clients/<pid>}. One reaper process a folder, started detached ({@code setsid}) by the first
 * JVM, checks every two seconds; when no registered process is alive it drops the recorded names, stops the servers
 * and exits. Registration and the reaper's decision take the same file lock, so a build that registers while the
 * reaper stops the servers waits for the stop and starts them again. {@code -Dditto.test.keep-servers=true} (or
 * {@code DITTO_KEEP_TEST_INFRA}) keeps them running between builds, as before.
 */
public final class TestServersReaper {
    static final String SCHEMAS = "created-schemas.txt";
    static final String INDEX_PREFIXES = "created-index-prefixes.txt";
    static final String BUCKETS = "created-buckets.txt";
    private static final Duration PERIOD = Duration.ofSeconds(2);

    private static boolean registered;

    private TestServersReaper() {}

    /** Whether the servers are kept running after the build (no reaper). */
    static boolean keepServers() {
        return Boolean.getBoolean("ditto.test.keep-servers")
                || !System.getenv().getOrDefault("DITTO_KEEP_TEST_INFRA", "").isBlank();
    }

    /**
     * Registers this JVM's build as a user of the servers under {@code root} and makes sure a reaper watches them. Call
     * before starting or attaching to a server: while the reaper is stopping them this waits until it is done.
     */
    static synchronized void register(Path root, int pgPort, int esPort, int s3Port) {
        if (registered || keepServers()) {
            return;
        }
        register(root, pgPort, esPort, s3Port, build());
        registered = true;
    }

    /** Registers {@code client} (a process id) as a user of the servers under {@code root}; starts a reaper if none runs. */
    static void register(Path root, int pgPort, int esPort, int s3Port, long client) {
        try {
            Files.createDirectories(root.resolve("clients"));
            try (FileChannel lockFile = FileChannel.open(root.resolve("reaper.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                Files.writeString(root.resolve("clients/" + client), Instant.now() + "\n");
                if (alivePid(root.resolve("reaper.pid")).isEmpty()) {
                    startReaper(root, pgPort, esPort, s3Port);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not register with the test servers' reaper under " + root, e);
        }
    }

    /**
     * The process whose end ends this JVM's use of the servers: the Maven JVM that forked it (surefire and failsafe start
     * the fork through {@code /bin/sh -c}, so it is an ancestor, found by Maven's launcher on its command line), else
     * the parent (an IDE, {@code ./ditto bench}), else this JVM.
     */
    static long build() {
        for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            String commandLine = p.get().info().commandLine().orElse("");
            if (commandLine.contains("plexus-classworlds") || commandLine.contains("org.codehaus.plexus.classworlds")) {
                return p.get().pid();
            }
        }
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(ProcessHandle.current().pid());
    }

    /** Records a name the reaper drops before it stops the servers ({@link #SCHEMAS}, {@link #INDEX_PREFIXES}, {@link #BUCKETS}). */
    static synchronized void record(Path root, String file, String name) {
        try {
            Files.createDirectories(root);
            Files.writeString(root.resolve(file), name + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void startReaper(Path root, int pgPort, int esPort, int s3Port) throws IOException {
        List<String> classpath = new ArrayList<>();
        for (Class<?> c : List.of(TestServersReaper.class, EmbeddedServers.class, org.postgresql.Driver.class,
                org.slf4j.LoggerFactory.class)) {
            try {
                classpath.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        // setsid: its own session, so a Ctrl-C of the build (sent to the terminal's process group) does not stop it
        List<String> command = new ArrayList<>(Files.isExecutable(Path.of("/usr/bin/setsid")) ? List.of("/usr/bin/setsid") : List.of());
        command.addAll(List.of(javaBinary, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", String.join(java.io.File.pathSeparator, classpath), TestServersReaper.class.getName(),
                root.toString(), String.valueOf(pgPort), String.valueOf(esPort), String.valueOf(s3Port)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("reaper.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // an external test database: the reaper drops the schemas the tests made there too (environment, not arguments:
        // a password on a command line is visible to every user)
        String url = System.getProperty("ditto.test.db-url", "");
        if (!url.isBlank()) {
            String user = System.getProperty("ditto.test.db-user", "");
            pb.environment().put("DITTO_TEST_DB_URL", url);
            pb.environment().put("DITTO_TEST_DB_USER", user.isBlank() ? "ditto" : user);
            pb.environment().put("DITTO_TEST_DB_PASSWORD", System.getProperty("ditto.test.db-password", ""));
        }
        Process reaper = pb.start();
        Files.writeString(root.resolve("reaper.pid"), reaper.pid() + "\n");
    }

    /** The reaper: {@code root pgPort esPort s3Port}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int pgPort = Integer.parseInt(args[1]);
        int esPort = Integer.parseInt(args[2]);
        log("watching " + root + " (pid " + ProcessHandle.current().pid() + ")");
        while (true) {
            Thread.sleep(PERIOD.toMillis());
            try (FileChannel lockFile = FileChannel.open(root.resolve("reaper.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (aliveClients(root) > 0) {
                    continue;
                }
                log("no build uses the servers any more: dropping what the tests created, stopping them");
                dropCreated(root, pgPort, esPort);
                EmbeddedServers.stopAll(root);
                Files.deleteIfExists(root.resolve("reaper.pid"));
                log("stopped");
                return;
            }
        }
    }

    /** Registered builds still running; the files of ended ones are deleted. */
    static int aliveClients(Path root) throws IOException {
        Path clients = root.resolve("clients");
        if (!Files.isDirectory(clients)) {
            return 0;
        }
        int alive = 0;
        try (Stream<Path> files = Files.list(clients)) {
            for (Path f : files.toList()) {
                boolean running;
                try {
                    running = ProcessHandle.of(Long.parseLong(f.getFileName().toString())).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException e) {
                    running = false;
                }
                if (running) {
                    alive++;
                } else {
                    Files.deleteIfExists(f);
                }
            }
        }
        return alive;
    }

    private static void dropCreated(Path root, int pgPort, int esPort) {
        Set<String> schemas = names(root.resolve(SCHEMAS));
        if (!schemas.isEmpty()) {
            String url = System.getenv("DITTO_TEST_DB_URL");
            try (Connection c = url != null && !url.isBlank()
                    ? DriverManager.getConnection(url, System.getenv("DITTO_TEST_DB_USER"), System.getenv("DITTO_TEST_DB_PASSWORD"))
                    : embeddedConnection(root, pgPort);
                 Statement st = c.createStatement()) {
                for (String schema : schemas) {
                    if (schema.matches("t_[a-z0-9]{1,60}")) {
                        st.execute("drop schema if exists " + schema + " cascade");
                    }
                }
                log("dropped " + schemas.size() + " schemas");
                Files.deleteIfExists(root.resolve(SCHEMAS));
            } catch (SQLException | IOException | RuntimeException e) {
                log("could not drop the test schemas: " + e.getMessage());
            }
        }
        Set<String> prefixes = names(root.resolve(INDEX_PREFIXES));
        if (!prefixes.isEmpty()) {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                String base = "http://127.0.0.1:" + esPort;
                int deleted = 0;
                for (String prefix : prefixes) {
                    var names = http.send(HttpRequest.newBuilder(URI.create(base + "/_cat/indices/"
                            + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + "*?h=index&expand_wildcards=all"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    for (String index : names.body().strip().split("\\s+")) {
                        if (index.startsWith(prefix)) {
                            http.send(HttpRequest.newBuilder(URI.create(base + "/" + index)).DELETE()
                                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
                            deleted++;
                        }
                    }
                }
                log("deleted " + deleted + " indices");
                Files.deleteIfExists(root.resolve(INDEX_PREFIXES));
            } catch (IOException | RuntimeException e) {
                log("could not delete the test indices: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Set<String> buckets = names(root.resolve(BUCKETS));
        Path data = root.resolve("s3proxy/data");
        for (String bucket : buckets) {
            if (bucket.matches("t-[a-z0-9]{1,60}")) {
                try {
                    deleteTree(data.resolve(bucket));
                } catch (IOException e) {
                    log("could not delete bucket " + bucket + ": " + e.getMessage());
                }
            }
        }
        try {
            Files.deleteIfExists(root.resolve(BUCKETS));
        } catch (IOException e) {
            log(e.getMessage());
        }
    }

    private static Connection embeddedConnection(Path root, int pgPort) throws IOException, SQLException {
        if (!Files.exists(dev.ditto.db.embedded.ServerFolder.existing(root).resolve("postgres/postmaster.pid"))) {
            throw new IOException("the embedded PostgreSQL is not running");
        }
        EmbeddedPostgres pg = EmbeddedPostgres.start(root, pgPort); // attaches: it runs
        return DriverManager.getConnection(pg.jdbcUrl(SharedInfrastructure.DATABASE), pg.username(), pg.password());
    }

    private static Set<String> names(Path file) {
        try {
            return Files.exists(file) ? new LinkedHashSet<>(Files.readAllLines(file).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList()) : Set.of();
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Optional<Long> alivePid(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " reaper: " + message);
    }
}
