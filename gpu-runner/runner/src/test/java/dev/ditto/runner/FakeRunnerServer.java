package dev.ditto.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import dev.ditto.protocol.RunnerRegistered;
import dev.ditto.protocol.RunnerRegistration;
import dev.ditto.runner.client.RunnerJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/** An in-test server that speaks the runner protocol, with knobs for the faults a runner must survive. */
final class FakeRunnerServer implements AutoCloseable {
    static final String TOKEN = "test-token";

    final JsonMapper json = RunnerJson.mapper();
    final BlockingQueue<JobAssignment> queue = new LinkedBlockingQueue<>();
    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<RunnerRegistration> registrations = new CopyOnWriteArrayList<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final Set<Long> leaseLost = ConcurrentHashMap.newKeySet();
    final AtomicInteger claimsToFailWith503 = new AtomicInteger();
    /** Artefact uploads still to refuse with 507, as a server whose disk is full; negative: all of them. */
    final AtomicInteger uploadsToRefuseWith507 = new AtomicInteger();
    /** Artefact uploads received, refused or stored. */
    final AtomicInteger uploads = new AtomicInteger();
    /** Jobs handed out by {@code claim} (the rest went out with completions that asked for the next job). */
    final AtomicInteger jobsClaimed = new AtomicInteger();
    /** Answer like a server whose blobs are in an object store: presigned URLs to {@code /store/}, served here. */
    final java.util.concurrent.atomic.AtomicBoolean direct = new java.util.concurrent.atomic.AtomicBoolean();
    /** Requests {@code /store/} received (method and path), as an object store would log them. */
    final List<String> storeRequests = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> staged = new ConcurrentHashMap<>();
    private final HttpServer server;

    /** Something the runner reported: a completion or a failure. */
    record Event(long jobId, JobCompletion completion, JobFailure failure) {}

    FakeRunnerServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/runner/", this::handle);
        server.createContext("/store/", this::store);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    BlobRef addBlob(byte[] bytes, String contentType) throws Exception {
        String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        blobs.put(key, bytes);
        return new BlobRef(key, bytes.length, contentType);
    }

    Event nextEvent() throws InterruptedException {
        Event e = events.poll(120, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the runner reported nothing within 120 s");
        }
        return e;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"status\":401,\"error\":\"unauthorized\",\"message\":\"bad token\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            String[] parts = path.split("/");
            if (path.equals("/api/runner/register")) {
                registrations.add(json.readValue(body, RunnerRegistration.class));
                send(ex, 200, json.writeValueAsString(new RunnerRegistered(1, 1, 30)));
            } else if (path.equals("/api/runner/claim")) {
                if (claimsToFailWith503.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    send(ex, 503, "{\"status\":503,\"error\":\"unavailable\",\"message\":\"restarting\"}");
                    return;
                }
                ClaimRequest claim = json.readValue(body, ClaimRequest.class);
                JobAssignment job = queue.poll(Math.min(claim.waitSeconds() * 1000L, 200), TimeUnit.MILLISECONDS);
                if (job == null) {
                    ex.sendResponseHeaders(204, -1);
                } else {
                    jobsClaimed.incrementAndGet();
                    send(ex, 200, json.writeValueAsString(job));
                }
            } else if (path.startsWith("/api/runner/blobs/")) {
                byte[] blob = blobs.get(parts[4]);
                if (blob != null && direct.get()) {
                    ex.getResponseHeaders().set("Location", uri() + "/store/blobs/" + parts[4]);
                    ex.sendResponseHeaders(307, -1);
                } else if (blob == null) {
                    send(ex, 404, "{}");
                } else {
                    ex.sendResponseHeaders(200, blob.length);
                    ex.getResponseBody().write(blob);
                }
            } else if (parts.length >= 6 && parts[3].equals("jobs")) {
                long id = Long.parseLong(parts[4]);
                switch (parts[5]) {
                    case "heartbeat" -> {
                        heartbeats.add(json.readValue(body, Heartbeat.class));
                        if (leaseLost.contains(id)) {
                            send(ex, 409, "{\"status\":409,\"error\":\"lease_lost\",\"message\":\"job " + id + " lease expired\"}");
                        } else {
                            send(ex, 200, json.writeValueAsString(new HeartbeatAck(Instant.now().plusSeconds(30), false)));
                        }
                    }
                    case "artifacts" -> {
                        if (parts.length == 8) {
                            directUpload(ex, id, parts[6], parts[7], json.readValue(body, ArtifactUpload.class));
                            return;
                        }
                        uploads.incrementAndGet();
                        if (uploadsToRefuseWith507.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
                            send(ex, 507, "{\"status\":507,\"error\":\"insufficient_storage\",\"message\":\"The artefact "
                                    + "was refused: the blob store folder /srv/blobs has 12 MB free; free space and try again.\"}");
                            return;
                        }
                        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
                        if (!sha.equals(ex.getRequestHeaders().getFirst("X-Content-SHA256"))
                                || ex.getRequestURI().getQuery() == null || !ex.getRequestURI().getQuery().startsWith("attempt=")) {
                            send(ex, 400, "{\"status\":400,\"error\":\"bad_upload\",\"message\":\"sha256 or attempt\"}");
                            return;
                        }
                        artifacts.put(parts[6], body);
                        String type = ex.getRequestHeaders().getFirst("Content-Type");
                        send(ex, 200, json.writeValueAsString(new ArtifactStored(parts[6], new BlobRef(sha, body.length, type))));
                    }
                    case "complete" -> {
                        JobCompletion completion = json.readValue(body, JobCompletion.class);
                        events.add(new Event(id, completion, null));
                        // like the server: a completion that asks for more work carries the next job, if any
                        JobAssignment next = completion.claimNext() == null || completion.claimNext().isEmpty() ? null
                                : queue.poll();
                        send(ex, 200, json.writeValueAsString(new JobOutcome(id, completion.attempt(), "COMPLETED", next)));
                    }
                    case "fail" -> {
                        events.add(new Event(id, null, json.readValue(body, JobFailure.class)));
                        ex.sendResponseHeaders(204, -1);
                    }
                    default -> send(ex, 404, "{}");
                }
            } else {
                send(ex, 404, "{}");
            }
        } catch (Exception e) {
            send(ex, 500, "{\"status\":500,\"error\":\"fake\",\"message\":\"" + e + "\"}");
        }
    }

    /** {@code POST …/artifacts/{name}/upload-url} and {@code …/uploaded}, as the server answers them. */
    private void directUpload(HttpExchange ex, long jobId, String name, String verb, ArtifactUpload upload) throws Exception {
        String object = jobId + "/" + name.replace(" ", "_");
        if (verb.equals("upload-url")) {
            send(ex, 200, json.writeValueAsString(direct.get()
                    ? new DirectUpload(uri() + "/store/incoming/" + object, Instant.now().plusSeconds(900))
                    : new DirectUpload(null, null)));
            return;
        }
        uploads.incrementAndGet();
        byte[] bytes = staged.remove(object);
        if (bytes == null) {
            send(ex, 404, "{\"status\":404,\"error\":\"artifact_not_uploaded\",\"message\":\"nothing uploaded\"}");
            return;
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        if (!sha.equals(upload.sha256()) || bytes.length != upload.size()) {
            send(ex, 422, "{\"status\":422,\"error\":\"checksum_mismatch\",\"message\":\"mismatch\"}");
            return;
        }
        artifacts.put(name, bytes);
        send(ex, 200, json.writeValueAsString(new ArtifactStored(name, new BlobRef(sha, bytes.length, upload.contentType()))));
    }

    /** The object store: presigned URLs carry their own signature, so a request with an Authorization header is refused. */
    private void store(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            storeRequests.add(ex.getRequestMethod() + " " + path);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (ex.getRequestHeaders().containsKey("Authorization")) {
                send(ex, 400, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
            } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/store/blobs/")) {
                byte[] blob = blobs.get(path.substring("/store/blobs/".length()));
                ex.sendResponseHeaders(200, blob.length);
                ex.getResponseBody().write(blob);
            } else if (ex.getRequestMethod().equals("PUT") && path.startsWith("/store/incoming/")) {
                staged.put(path.substring("/store/incoming/".length()), body);
                ex.sendResponseHeaders(200, -1);
            } else {
                send(ex, 404, "<Error><Code>NoSuchKey</Code></Error>");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
