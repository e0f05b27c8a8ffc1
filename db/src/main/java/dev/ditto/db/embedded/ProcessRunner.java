package dev.ditto.db.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the servers' commands, as an unprivileged user when this JVM runs as root: PostgreSQL and
 * Elasticsearch both refuse to run as root.
 */
final class ProcessRunner {
    /** The unprivileged account used when running as root. */
    static final String UNPRIVILEGED = "nobody";

    private ProcessRunner() {}

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Prefixes {@code command} with setpriv when running as root. */
    static List<String> asServiceUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=nogroup", "--clear-groups"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs a command to completion; returns its exit code and output. */
    static Result run(List<String> command, Map<String, String> env, Path log, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(asServiceUser(command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Files.createDirectories(log.getParent());
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + " (log: " + log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output;
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(before);
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Result(p.exitValue(), output);
    }

    /** Hands a directory tree to the service user (when running as root) so the server can write to it. */
    static void handOver(Path dir) throws IOException {
        if (!runningAsRoot()) {
            return;
        }
        Process p = new ProcessBuilder("chown", "-R", UNPRIVILEGED + ":nogroup", dir.toString()).inheritIO().start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("chown -R " + UNPRIVILEGED + " " + dir + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while chown " + dir, e);
        }
    }

    static void makeExecutable(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                    perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OWNER_READ,
                            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
                    Files.setPosixFilePermissions(f, perms);
                }
            }
        }
    }

    /** Exit code and combined output of a finished command. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }
}
