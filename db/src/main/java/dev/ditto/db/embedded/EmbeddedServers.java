package dev.ditto.db.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Stops whatever embedded server still runs on a data folder, without attaching to it: PostgreSQL (fast shutdown),
 * Elasticsearch and s3proxy (SIGTERM, then SIGKILL). What {@code ./ditto}'s {@code stop_embedded} does, for a process
 * that outlives the one that started them (the test servers' reaper).
 */
public final class EmbeddedServers {
    private EmbeddedServers() {}

    /** Stops the servers of {@code root}; those not running are skipped. */
    public static void stopAll(Path root) throws IOException {
        Path servers = ServerFolder.existing(root);
        Path pgData = servers.resolve("postgres");
        if (Files.exists(pgData.resolve("postmaster.pid"))) {
            Path home = servers.resolve("pgsql-" + Versions.postgres());
            var r = ProcessRunner.run(List.of(home.resolve("bin/pg_ctl").toString(), "-D", pgData.toString(), "-m", "fast",
                    "-w", "-t", "60", "stop"), Map.of("LD_LIBRARY_PATH", home.resolve("lib").toString(), "LC_ALL", "C"),
                    servers.resolve("postgres.log"), 90);
            if (!r.ok() && !r.output().contains("Is server running?")) {
                throw new IOException("pg_ctl stop failed (exit " + r.exitCode() + "): " + r.output());
            }
        }
        ProcessRunner.stopPid(servers.resolve("elasticsearch/es.pid"), 60);
        ProcessRunner.stopPid(root.toAbsolutePath().resolve("s3proxy/s3proxy.pid"), 20);
    }
}
