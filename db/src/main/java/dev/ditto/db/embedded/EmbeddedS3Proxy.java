package dev.ditto.db.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3-compatible server: s3proxy ({@code org.gaul:s3proxy}, the {@code jar-with-dependencies} from Maven
 * Central) over its filesystem backend, on 127.0.0.1, with AWS v2/v4 signatures checked against one identity.
 * Started once under {@code root/s3proxy} (pid in {@code s3proxy.pid}), reused by later JVMs, stopped on close
 * (when started here) or by {@code ./ditto}'s {@code stop_test_infra}.
 */
public final class EmbeddedS3Proxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3Proxy.class);
    public static final String IDENTITY = "ditto-test";
    public static final String CREDENTIAL = "ditto-test-secret";

    private final Path stateDir;
    private final int port;
    private final boolean startedHere;

    private EmbeddedS3Proxy(Path stateDir, int port, boolean startedHere) {
        this.stateDir = stateDir;
        this.port = port;
        this.startedHere = startedHere;
    }

    /** Starts s3proxy from {@code jar} with its files under {@code root/s3proxy}, or attaches to the one running there. */
    public static EmbeddedS3Proxy start(Path root, Path jar, int port) throws IOException {
        Path stateDir = root.toAbsolutePath().resolve("s3proxy");
        EmbeddedS3Proxy existing = new EmbeddedS3Proxy(stateDir, port, false);
        if (existing.pid().isPresent() && existing.answers()) {
            log.info("s3proxy already running from {}, reusing it", stateDir);
            return existing;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IOException("The s3proxy jar is missing: " + jar + ". Run the build once (it resolves it) or fetch it: "
                    + "mvn dependency:get -Dartifact=org.gaul:s3proxy:" + Versions.s3proxy() + ":jar:jar-with-dependencies");
        }
        if (EmbeddedPostgres.portTaken(port)) {
            throw new IOException("Cannot start s3proxy: port " + port + " is in use by another program; pass -Dditto.test.s3-port=<free port>.");
        }
        Path data = stateDir.resolve("data");
        Files.createDirectories(data);
        Path conf = stateDir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data,
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties", conf.toString()))
                .directory(stateDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stateDir.resolve("s3proxy.log").toFile())
                .start();
        Files.writeString(stateDir.resolve("s3proxy.pid"), Long.toString(process.pid()));
        EmbeddedS3Proxy started = new EmbeddedS3Proxy(stateDir, port, true);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!started.answers()) {
            if (!process.isAlive()) {
                throw new IOException("s3proxy exited during start-up:\n" + EmbeddedPostgres.tail(stateDir.resolve("s3proxy.log")));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("s3proxy did not answer within 60 s:\n" + EmbeddedPostgres.tail(stateDir.resolve("s3proxy.log")));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for s3proxy", e);
            }
        }
        log.info("s3proxy {} is up at {} (data {})", Versions.s3proxy(), started.endpoint(), data);
        return started;
    }

    /** The jar in the local Maven repository, where the build put it. */
    public static Path defaultJar() {
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        String v = Versions.s3proxy();
        return Path.of(repo, "org/gaul/s3proxy", v, "s3proxy-" + v + "-jar-with-dependencies.jar");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The folder s3proxy keeps buckets in (one sub-folder a bucket, one file an object). */
    public Path dataDir() {
        return stateDir.resolve("data");
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s). */
    public void stop() throws IOException {
        ProcessRunner.stopPid(stateDir.resolve("s3proxy.pid"), 20);
    }

    @Override
    public void close() throws IOException {
        if (startedHere) {
            stop();
        }
    }

    private Optional<Long> pid() {
        return ProcessRunner.alivePid(stateDir.resolve("s3proxy.pid"));
    }

    /** Any HTTP answer counts (an unsigned request is refused with 403, which proves the server is up). */
    private boolean answers() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
