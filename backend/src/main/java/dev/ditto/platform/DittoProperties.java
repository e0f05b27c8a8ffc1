package dev.ditto.platform;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything configurable under {@code ditto.*}; each default works offline on one machine. */
@ConfigurationProperties("ditto")
public record DittoProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Db db,
        @DefaultValue Search search,
        @DefaultValue Blobs blobs,
        @DefaultValue Security security,
        @DefaultValue Demo demo,
        @DefaultValue Runner runner) {

    /**
     * PostgreSQL: {@code url} unset → the embedded server under the data directory. {@code connectionTimeout} bounds
     * a request's wait for a connection (Hikari's, and the driver's login), so while PostgreSQL is down a request is
     * answered 503 within it instead of waiting Hikari's default 30 s. {@code minIdle} (unset → {@code poolSize}, a
     * fixed pool) and {@code idleTimeout} let a pool give back connections it does not use, so several servers (or a
     * test suite's many cached contexts) fit one PostgreSQL's {@code max_connections}.
     */
    public record Db(@Nullable String url, @Nullable String username, @Nullable String password,
                     @DefaultValue("public") String schema, @DefaultValue("54320") int embeddedPort,
                     @DefaultValue("20") int poolSize, @DefaultValue("3s") Duration connectionTimeout,
                     @Nullable Integer minIdle, @DefaultValue("10m") Duration idleTimeout) {}

    /**
     * Elasticsearch: {@code url} unset → the embedded node under the data directory. {@code requestTimeout} bounds
     * the wait for each answer, so a node that hangs (a long GC, a full disk) fails a search with "unavailable"
     * instead of holding the curator's page, the indexer and a server thread forever.
     */
    public record Search(@Nullable String url, @Nullable String apiKey, @DefaultValue("ditto-") String indexPrefix,
                         @DefaultValue("9260") int embeddedPort, @DefaultValue("1024") int embeddedHeapMb,
                         @Nullable Path embeddedDistribution, @DefaultValue("30s") Duration requestTimeout) {}

    /**
     * Blob store for video bytes and artefacts; {@code dir} unset → {@code <data-dir>/blobs}. With
     * {@code s3.bucket} set, every blob (and every release file) lives in that S3-compatible bucket instead and
     * nothing is written under {@code dir}.
     */
    public record Blobs(@Nullable Path dir, @DefaultValue("4096") long maxUploadMb, @DefaultValue S3 s3) {}

    /**
     * An S3-compatible object store (AWS S3, MinIO, s3proxy, …): {@code bucket} unset → local disk. {@code endpoint}
     * unset → AWS's endpoint for {@code region}; {@code accessKey}/{@code secretKey} unset → the SDK's default
     * credential chain (environment, profile, instance role). {@code pathStyle} addresses buckets as
     * {@code endpoint/bucket/key} (MinIO, s3proxy) instead of {@code bucket.endpoint/key}. {@code presignTtl} bounds
     * the life of each presigned URL handed to a runner or a browser; {@code partMb} is the multipart part size
     * (the memory one upload holds); {@code createBucket} creates a missing bucket at start-up; {@code maxAttempts}
     * bounds the tries of each request (a refused or reset connection, a 5xx, a throttling answer are tried again).
     */
    public record S3(@Nullable String endpoint, @Nullable String bucket, @DefaultValue("us-east-1") String region,
                     @Nullable String accessKey, @Nullable String secretKey, @DefaultValue("false") boolean pathStyle,
                     @DefaultValue("") String prefix, @DefaultValue("15m") Duration presignTtl,
                     @DefaultValue("8") int partMb, @DefaultValue("false") boolean createBucket,
                     @DefaultValue("5") int maxAttempts) {
        /** Whether blobs go to S3 (a bucket is configured). */
        public boolean enabled() {
            return bucket != null && !bucket.isBlank();
        }
    }

    /** The first admin, created at start-up when no admin exists; password unset → generated and logged once. */
    public record Security(@DefaultValue("admin") String adminUsername, @Nullable String adminPassword) {}

    /** The demo corpus loaded on first start. */
    public record Demo(@DefaultValue("true") boolean enabled,
                       @DefaultValue("/usr/share/doc/opencv-doc") Path clipsDir) {}

    /**
     * Job queue and runner protocol. {@code maxAttempts} bounds a job's own failures; {@code maxRunnerLosses} bounds
     * the runners it loses (leases that ran out, hand-backs at shutdown), which use no attempt.
     */
    public record Runner(@DefaultValue("60") int leaseSeconds, @DefaultValue("10") int heartbeatSeconds,
                         @DefaultValue("3") int maxAttempts, @DefaultValue("2048") long maxArtifactMb,
                         @DefaultValue("25") int maxClaimWaitSeconds, @DefaultValue("5") int maxRunnerLosses) {}

    public Path blobDir() {
        Path configured = blobs.dir();
        return configured != null ? configured : dataDir.resolve("blobs");
    }
}
