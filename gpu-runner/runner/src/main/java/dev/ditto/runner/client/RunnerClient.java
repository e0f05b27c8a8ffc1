package dev.ditto.runner.client;

import dev.ditto.protocol.ArtifactStored;
import dev.ditto.protocol.ArtifactUpload;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClaimRequest;
import dev.ditto.protocol.DirectUpload;
import dev.ditto.protocol.Heartbeat;
import dev.ditto.protocol.HeartbeatAck;
import dev.ditto.protocol.JobAssignment;
import dev.ditto.protocol.JobCompletion;
import dev.ditto.protocol.JobOutcome;
import dev.ditto.protocol.JobFailure;
import dev.ditto.protocol.RunnerPaths;
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runner's side of the runner protocol: one method per verb, JSON over {@link HttpClient}, bearer token,
 * retries with backoff on network errors and 5xx/429 (507 excepted: {@link ServerStorageFullException} at once, for the
 * caller's longer back-off), {@link LeaseLostException} on 409.
 */
public final class RunnerClient {
    private static final Logger log = LoggerFactory.getLogger(RunnerClient.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final URI server;
    private final String token;
    private final JsonMapper json;
    private final HttpClient http;
    /** For the server's blob answers: a redirect to a presigned URL is followed by hand, without the bearer token. */
    private final HttpClient blobHttp;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private volatile boolean retriesOff;

    public RunnerClient(URI server, String token, JsonMapper json, RetryPolicy retry, Duration requestTimeout) {
        String base = server.toString();
        this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = token;
        this.json = json;
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.blobHttp = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Whether the server answers at all (any HTTP status counts, a database outage's 503 included) within
     * {@code timeout}: one try, no retries. A runner that is stopping asks it to decide whether waiting its grace
     * period can still lead anywhere.
     */
    public boolean serverAnswers(Duration timeout) throws InterruptedException {
        try {
            http.send(HttpRequest.newBuilder(server.resolve("/actuator/health/liveness")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * From now on every call is tried once: a runner stopping while its server is gone reports what it can and
     * exits, instead of retrying into a server that is not there.
     */
    public void stopRetrying() {
        retriesOff = true;
    }

    /** {@code POST /api/runner/register}. */
    public RunnerRegistered register(RunnerRegistration registration) throws IOException, InterruptedException {
        return postJson("register", RunnerPaths.REGISTER, registration, RunnerRegistered.class, requestTimeout, 0)
                .orElseThrow(() -> new ProtocolException("register", 204, "no body"));
    }

    /** {@code POST /api/runner/claim}: long-polls; empty when the server answered 204 (nothing to do). */
    public Optional<JobAssignment> claim(ClaimRequest request) throws IOException, InterruptedException {
        Duration timeout = requestTimeout.plusSeconds(request.waitSeconds());
        return postJson("claim", RunnerPaths.CLAIM, request, JobAssignment.class, timeout, 0);
    }

    /** {@code POST /api/runner/jobs/{id}/heartbeat}; throws {@link LeaseLostException} on 409. */
    public HeartbeatAck heartbeat(long jobId, Heartbeat heartbeat) throws IOException, InterruptedException {
        return postJson("heartbeat job " + jobId, RunnerPaths.HEARTBEAT.formatted(jobId), heartbeat,
                HeartbeatAck.class, requestTimeout, jobId)
                .orElseGet(() -> new HeartbeatAck(java.time.Instant.now(), false));
    }

    /**
     * {@code POST /api/runner/jobs/{id}/complete}; throws {@link LeaseLostException} on 409. Returns the next job
     * when the completion asked for one ({@link JobCompletion#claimNext()}) and the server claimed one.
     */
    public Optional<JobAssignment> complete(long jobId, JobCompletion completion) throws IOException, InterruptedException {
        return postJson("complete job " + jobId, RunnerPaths.COMPLETE.formatted(jobId), completion, JobOutcome.class,
                requestTimeout, jobId).map(JobOutcome::next);
    }

    /** {@code POST /api/runner/jobs/{id}/fail}; throws {@link LeaseLostException} on 409. */
    public void fail(long jobId, JobFailure failure) throws IOException, InterruptedException {
        postJson("fail job " + jobId, RunnerPaths.FAIL.formatted(jobId), failure, Void.class, requestTimeout, jobId);
    }

    /**
     * {@code GET /api/runner/blobs/{key}} streamed to {@code target}; the content is checked against the key
     * (a sha256 content address) and the size the server announced.
     */
    public void download(BlobRef blob, Path target) throws IOException, InterruptedException {
        String what = "download blob " + blob.key();
        URI uri = server.resolve(RunnerPaths.BLOB.formatted(URLEncoder.encode(blob.key(), StandardCharsets.UTF_8)));
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        withRetries(what, () -> {
            HttpRequest request = authorised(HttpRequest.newBuilder(uri)).GET()
                    .timeout(requestTimeout.plusMinutes(30)).build();
            HttpResponse<InputStream> response = blobHttp.send(request, HttpResponse.BodyHandlers.ofInputStream());
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 == 3 && location.isPresent()) {
                // an object store: the bytes come straight from a presigned URL, which carries its own signature
                response.body().close();
                response = blobHttp.send(HttpRequest.newBuilder(uri.resolve(location.get())).GET()
                        .header("User-Agent", "ditto-runner").timeout(requestTimeout.plusMinutes(30)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw statusError(what, response.statusCode(), new String(body.readNBytes(4096), StandardCharsets.UTF_8), 0);
                }
                MessageDigest sha = sha256();
                long size;
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                    size = body.transferTo(out);
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (SHA256_HEX.matcher(blob.key()).matches() && !actual.equals(blob.key())) {
                    throw new IOException(what + ": content sha256 " + actual + " does not match its key (transfer corrupted)");
                }
                if (blob.size() > 0 && size != blob.size()) {
                    throw new IOException(what + ": received " + size + " bytes, expected " + blob.size());
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        });
    }

    /**
     * Sends one artefact of the attempt. When the server's blobs live in an object store
     * ({@code POST …/artifacts/{name}/upload-url} answers a presigned URL), the file is PUT straight to the store and
     * the server then verifies its size and sha256 ({@code POST …/uploaded}); otherwise it is streamed to
     * {@code PUT /api/runner/jobs/{id}/artifacts/{name}?attempt=N} with its sha256 in {@code X-Content-SHA256}.
     * Throws {@link LeaseLostException} on 409 and {@link ServerStorageFullException} on 507.
     */
    public ArtifactStored upload(long jobId, int attempt, String name, Path file, String contentType)
            throws IOException, InterruptedException {
        String sha = sha256Hex(file);
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ArtifactUpload announced = new ArtifactUpload(attempt, sha, Files.size(file), contentType);
        Optional<DirectUpload> direct;
        try {
            direct = postJson("ask where to upload " + name + " for job " + jobId,
                    RunnerPaths.ARTIFACT_UPLOAD_URL.formatted(jobId, encoded), announced, DirectUpload.class, requestTimeout, jobId);
        } catch (ProtocolException e) {
            if (e.status() != 404 && e.status() != 405) {
                throw e;
            }
            direct = Optional.empty(); // a server from before direct uploads
        }
        if (direct.isPresent() && direct.get().url() != null) {
            URI target = URI.create(direct.get().url());
            String what = "upload " + name + " for job " + jobId + " to the object store";
            withRetries(what, () -> {
                HttpRequest request = HttpRequest.newBuilder(target)
                        .header("User-Agent", "ditto-runner")
                        .timeout(requestTimeout.plusMinutes(30))
                        .PUT(HttpRequest.BodyPublishers.ofFile(file))
                        .build();
                HttpResponse<String> response = blobHttp.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw statusError(what, response.statusCode(), response.body(), 0);
                }
                return null;
            });
            return postJson("verify " + name + " for job " + jobId, RunnerPaths.ARTIFACT_UPLOADED.formatted(jobId, encoded),
                    announced, ArtifactStored.class, requestTimeout, jobId)
                    .orElseThrow(() -> new ProtocolException("verify " + name, 204, "no body"));
        }
        String what = "upload " + name + " for job " + jobId;
        URI uri = server.resolve(RunnerPaths.ARTIFACT.formatted(jobId, encoded, attempt));
        ArtifactStored stored = withRetries(what, () -> {
            HttpRequest request = authorised(HttpRequest.newBuilder(uri))
                    .header("Content-Type", contentType)
                    .header(RunnerPaths.SHA256_HEADER, sha)
                    .timeout(requestTimeout.plusMinutes(30))
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw statusError(what, response.statusCode(), response.body(), jobId);
            }
            return json.readValue(response.body(), ArtifactStored.class);
        });
        return java.util.Objects.requireNonNull(stored);
    }

    /** The lowercase hex sha256 of a file's bytes. */
    public static String sha256Hex(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private <T> Optional<T> postJson(String what, String path, Object body, Class<T> answer, Duration timeout, long jobId)
            throws IOException, InterruptedException {
        byte[] payload = json.writeValueAsBytes(body);
        URI uri = server.resolve(path);
        T result = withRetries(what, () -> {
            HttpRequest request = authorised(HttpRequest.newBuilder(uri))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 204 || (status / 100 == 2 && (answer == Void.class || response.body().isBlank()))) {
                return null;
            }
            if (status / 100 != 2) {
                throw statusError(what, status, response.body(), jobId);
            }
            return json.readValue(response.body(), answer);
        });
        return Optional.ofNullable(result);
    }

    private RuntimeException statusError(String what, int status, String body, long jobId) {
        if (status == 409) {
            return new LeaseLostException(jobId, body.isBlank() ? "HTTP 409" : body.strip());
        }
        if (status == 507) { // the server's disk is full: seconds apart, retries only burn time; the caller backs off
            return new ServerStorageFullException(what, body);
        }
        if (status >= 500 || status == 429 || status == 408) {
            return new TransientHttpException(what + " answered HTTP " + status);
        }
        return new ProtocolException(what, status, body);
    }

    private HttpRequest.Builder authorised(HttpRequest.Builder builder) {
        return builder.header("Authorization", "Bearer " + token).header("User-Agent", "ditto-runner");
    }

    private <T> @Nullable T withRetries(String what, Call<T> call) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (IOException | TransientHttpException e) {
                if (attempt >= retry.maxAttempts() || retriesOff) {
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
                Duration delay = retry.delayAfter(attempt);
                log.warn("{} failed ({}), retry {}/{} in {} ms", what, describe(e), attempt, retry.maxAttempts() - 1,
                        delay.toMillis());
                Thread.sleep(delay);
            }
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        @Nullable T run() throws IOException, InterruptedException;
    }

    /** A 5xx/429 answer: worth another attempt. */
    private static final class TransientHttpException extends RuntimeException {
        TransientHttpException(String message) {
            super(message);
        }
    }
}
